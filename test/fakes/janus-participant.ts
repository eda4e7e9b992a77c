import { randomBytes } from "node:crypto";

/** What Janus answers or sends: a plugin event's data, with its error code when it refused. */
export interface JanusEvent {
  janus: string;
  sender?: number;
  error?: { code: number; reason: string };
  plugindata?: { data: Record<string, unknown> & { error_code?: number; error?: string; videoroom?: string } };
}

/**
 * A person's end of the Janus API over HTTP, as janus.js speaks it but without media: a session,
 * a VideoRoom handle, requests whose answers come as events on the long poll. For tests that
 * check what Janus lets a ticket (or no ticket) do.
 */
export class JanusParticipant {
  private constructor(
    private readonly url: string,
    private readonly session: number,
    private readonly handle: number,
  ) {}

  static async attach(url: string): Promise<JanusParticipant> {
    const session = (await post(url, { janus: "create" })).data!.id;
    const handle = (await post(`${url}/${session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data!.id;
    return new JanusParticipant(url, session, handle);
  }

  /** Joins as a participant (the only way into a room that needs tokens); the event that answered. */
  async join(room: number, options: { token?: string; id?: number; display?: string }): Promise<JanusEvent> {
    return this.request({ request: "join", ptype: "publisher", room, ...options });
  }

  /** Subscribes to a feed with a private id (the room needs one); the event that answered. */
  async subscribe(room: number, feed: number, privateId?: number): Promise<JanusEvent> {
    // A subscription is a handle of its own, in the same session.
    const handle = (await post(`${this.url}/${this.session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data!.id;
    return this.request({ request: "join", ptype: "subscriber", room, streams: [{ feed }], ...(privateId === undefined ? {} : { private_id: privateId }) }, handle);
  }

  /** The ids of the room's participants, and which of them send (listparticipants needs no secret). */
  async participants(room: number): Promise<{ id: number; publisher: boolean }[]> {
    const answer = await post(`${this.url}/${this.session}/${this.handle}`, { janus: "message", body: { request: "listparticipants", room } });
    return (answer.plugindata?.data["participants"] as { id: number; publisher: boolean }[] | undefined) ?? [];
  }

  /** The next events on the long poll, until one matches or `ms` pass. */
  async waitEvent(match: (e: JanusEvent) => boolean, ms = 10_000): Promise<JanusEvent> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const res = await fetch(`${this.url}/${this.session}?maxev=10&rid=${Date.now()}`, { signal: AbortSignal.timeout(Math.max(1_000, until - Date.now())) }).catch(() => null);
      if (!res) break;
      const body = (await res.json()) as JanusEvent | JanusEvent[];
      const found = (Array.isArray(body) ? body : [body]).find(match);
      if (found) return found;
    }
    throw new Error(`no matching Janus event within ${ms} ms`);
  }

  async destroy(): Promise<void> {
    await post(`${this.url}/${this.session}`, { janus: "destroy" }).catch(() => undefined);
  }

  private async request(body: Record<string, unknown>, handle = this.handle): Promise<JanusEvent> {
    const transaction = randomBytes(8).toString("hex");
    const ack = await post(`${this.url}/${this.session}/${handle}`, { janus: "message", body }, transaction);
    if (ack.janus !== "ack") return ack;
    return this.waitEvent((e) => (e as { transaction?: string }).transaction === transaction && e.janus === "event");
  }
}

async function post(url: string, body: Record<string, unknown>, transaction = randomBytes(8).toString("hex")): Promise<JanusEvent & { data?: { id: number } }> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify({ ...body, transaction }), signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as JanusEvent & { data?: { id: number } };
}

/** The VideoRoom error code of an answer, or 0 when it succeeded. */
export function videoRoomError(e: JanusEvent): number {
  return e.plugindata?.data.error_code ?? e.error?.code ?? 0;
}
