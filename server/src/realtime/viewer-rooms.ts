import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Socket } from "socket.io";
import { socketUser } from "../auth/socket-auth";
import type { RegistryRepository } from "../registry/repository";

/** The /ui room of the viewers who may see an organisation's agents (its own and its supervisors'). */
export function orgRoom(organisationId: string): string {
  return `org:${organisationId}`;
}

const PREFIX = orgRoom("");

interface ViewerData {
  /** The organisations this viewer may see, as of the latest refresh. */
  visible?: ReadonlySet<string>;
}

/** The organisations a /ui socket may see as of its latest refresh (none before its first). */
export function viewerVisible(socket: { data: unknown }): ReadonlySet<string> {
  return (socket.data as ViewerData).visible ?? new Set();
}

/**
 * Puts each /ui socket in the room of every organisation its user may see, by the registry's one
 * visibility rule (RegistryRepository.visibleOrganisations, as the REST routes use it). A socket's
 * rooms are read again when it asks for a snapshot, when an agent of an organisation not seen before
 * comes online, and every `refreshMs` (for changes another process made, such as the CLI): a
 * supervision added or removed takes effect without a reconnect.
 */
export class ViewerRooms {
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly nsp: Namespace,
    private readonly registry: RegistryRepository,
    private readonly log: FastifyBaseLogger,
    /** A connected socket's visible organisations changed (not its first reading): tell it. */
    private readonly changed: (socket: Socket, visible: ReadonlySet<string>) => void = () => undefined,
  ) {}

  /** Reads the socket's visible organisations and moves it into exactly their rooms. */
  async refresh(socket: Socket): Promise<ReadonlySet<string>> {
    const visible = new Set(await this.registry.visibleOrganisations(socketUser(socket).organisation.id));
    const before = (socket.data as ViewerData).visible;
    (socket.data as ViewerData).visible = visible;
    for (const room of socket.rooms) {
      if (room.startsWith(PREFIX) && !visible.has(room.slice(PREFIX.length))) await socket.leave(room);
    }
    await socket.join([...visible].map(orgRoom));
    if (before && (before.size !== visible.size || [...visible].some((o) => !before.has(o)))) this.changed(socket, visible);
    return visible;
  }

  /** Every socket of this process, one after another (each is one small query). */
  async refreshAll(): Promise<void> {
    for (const socket of this.nsp.sockets.values()) {
      if (!socket.connected) continue;
      await this.refresh(socket).catch((err: unknown) => this.log.warn({ socket: socket.id, err: String(err) }, "could not refresh a viewer's rooms"));
    }
  }

  /** An agent of `organisationId` came online: if that organisation is new here, rooms may have to follow. */
  async agentOrganisation(organisationId: string | null): Promise<void> {
    if (organisationId === null || this.known.has(organisationId)) return;
    this.known.add(organisationId);
    await this.refreshAll();
  }

  start(refreshMs: number): void {
    this.timer = setInterval(() => void this.refreshAll(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
