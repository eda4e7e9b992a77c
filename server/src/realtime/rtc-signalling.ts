import {
  type ErrorBody,
  NAMESPACE,
  RtcJoin,
  type RtcPeer,
  RtcSignal,
  type ServerToUiEvents,
  TelecalError,
  type UiToServerEvents,
  type UserInfo,
  validationError,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server, Socket } from "socket.io";
import type { SessionInfo } from "../auth/auth-repository";
/**
 * Who may be in a mesh, asked at every event: throws for a refused user, and answers how many tabs
 * the mesh takes (a job's, or a lesson's without Janus).
 */
export type MeshAccess = (user: UserInfo, meshId: string) => Promise<number>;
import { answer, errorBody } from "./reply";

/** What the mesh keeps on a /ui socket; in socket.data so that fetchSockets() sees it on every node. */
interface RtcSocketData {
  session?: SessionInfo;
  rtc?: { jobId: string; peer: RtcPeer };
}

type UiNamespace = Namespace<UiToServerEvents, ServerToUiEvents>;
type UiSocket = Socket<UiToServerEvents, ServerToUiEvents>;

export const rtcRoom = (jobId: string) => `rtc:${jobId}`;

function userOf(socket: UiSocket): UserInfo {
  const session = (socket.data as RtcSocketData).session;
  if (!session) throw new TelecalError("TC_ERR_AUTH_REQUIRED", { what: "video" });
  return session.user;
}

/**
 * WebRTC signalling on /ui (docs/protocol.md, "Video and audio"): one mesh per job. Every event is
 * authorised on its own, by the job being visible to the sender now; a signal reaches only a peer
 * that is in the same job's mesh. The server relays descriptions and candidates; it never sees media.
 */
export function attachRtcSignalling(io: Server, access: MeshAccess, log: FastifyBaseLogger): void {
  const nsp = io.of(NAMESPACE.ui) as unknown as UiNamespace;
  async function peersIn(jobId: string): Promise<RtcPeer[]> {
    const sockets = await nsp.in(rtcRoom(jobId)).fetchSockets();
    return sockets.flatMap((s) => {
      const rtc = (s.data as RtcSocketData).rtc;
      return rtc?.jobId === jobId ? [rtc.peer] : [];
    });
  }

  function leave(socket: UiSocket): void {
    const data = socket.data as RtcSocketData;
    if (!data.rtc) return;
    const { jobId, peer } = data.rtc;
    delete data.rtc;
    void socket.leave(rtcRoom(jobId));
    nsp.to(rtcRoom(jobId)).emit("rtc-peer-left", { jobId, peerId: peer.peerId });
  }

  async function join(socket: UiSocket, raw: unknown) {
    const parsed = RtcJoin.safeParse(raw);
    if (!parsed.success) throw validationError("rtc-join", parsed.error);
    const { jobId } = parsed.data;
    const user = userOf(socket);
    const max = await access(user, jobId);
    const data = socket.data as RtcSocketData;
    if (data.rtc && data.rtc.jobId !== jobId) leave(socket);
    return oneAtATime(jobId, async () => {
      const peers = (await peersIn(jobId)).filter((p) => p.peerId !== socket.id);
      if (!data.rtc && peers.length >= max) throw new TelecalError("TC_ERR_RTC_FULL", { job: jobId, max });
      // Gone while we looked the job up: joining now would leave a phantom peer in the room.
      if (!data.rtc && socket.connected) {
        const peer: RtcPeer = { peerId: socket.id, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role } };
        data.rtc = { jobId, peer };
        await socket.join(rtcRoom(jobId));
        socket.to(rtcRoom(jobId)).emit("rtc-peer-joined", { jobId, peer });
        log.debug({ jobId, peerId: socket.id, user: user.username }, "joined the video");
      }
      return { peerId: socket.id, peers };
    });
  }

  /**
   * The joins of one job run one after another (in this process). Two tabs joining at once would
   * otherwise each list the peers before the other is in the room, and each miss the other's
   * rtc-peer-joined: neither would link to the other, and their offers would be dropped.
   */
  const joins = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(jobId: string, work: () => Promise<T>): Promise<T> {
    const run = (joins.get(jobId) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    joins.set(jobId, settled);
    void settled.then(() => {
      if (joins.get(jobId) === settled) joins.delete(jobId);
    });
    return run;
  }

  async function signal(socket: UiSocket, raw: unknown) {
    const parsed = RtcSignal.safeParse(raw);
    if (!parsed.success) throw validationError("rtc-signal", parsed.error);
    const { jobId, to, description, candidate } = parsed.data;
    await access(userOf(socket), jobId);
    if ((socket.data as RtcSocketData).rtc?.jobId !== jobId) throw new TelecalError("TC_ERR_RTC_NOT_JOINED", { job: jobId, event: "rtc-signal" });
    if (to === socket.id || !(await peersIn(jobId)).some((p) => p.peerId === to)) throw new TelecalError("TC_ERR_RTC_PEER_GONE", { peer: to, job: jobId });
    nsp.to(to).emit("rtc-signal", { jobId, from: socket.id, ...(description ? { description } : {}), ...(candidate ? { candidate } : {}) });
    return {};
  }

  nsp.on("connection", (socket) => {
    // One socket's rtc events are handled one after another, in the order they reached us: an offer
    // is relayed before the candidates sent after it.
    let queue: Promise<void> = Promise.resolve();
    /** Runs a handler in turn and answers through the ack, or as a `problem` when the browser sent none. */
    function handle(ack: unknown, work: () => Promise<object>): void {
      const problem = (error: ErrorBody) => socket.emit("problem", error);
      queue = queue.then(() =>
        work().then(
          (result) => answer(ack, { ok: true, ...result }, problem),
          (err: unknown) => answer(ack, { ok: false, error: errorBody(err, log) }, problem),
        ),
      );
    }

    socket.on("rtc-join", (raw: unknown, ack: unknown) => handle(ack, () => join(socket, raw)));
    socket.on("rtc-signal", (raw: unknown, ack: unknown) => handle(ack, () => signal(socket, raw)));
    socket.on("rtc-leave", (ack: unknown) =>
      handle(ack, () => {
        leave(socket);
        return Promise.resolve({});
      }),
    );
    socket.on("disconnect", () => leave(socket));
  });
}
