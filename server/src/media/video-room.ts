import type { JanusClient } from "./janus-client";

/** VideoRoom error 426: no such room (Janus restarted, or the room was destroyed). */
export const NO_SUCH_ROOM = 426;
/** VideoRoom error 433: not in the allowed list (or no private_id where the room needs one). */
export const UNAUTHORIZED = 433;

export interface VideoRoomParticipant {
  id: number;
  display?: string;
  /** Whether the participant is sending media now. */
  publisher: boolean;
}

/** What a lesson's room is made with; the same on every re-creation. */
export interface VideoRoomSpec {
  room: number;
  description: string;
  /** Needed for every change to the room: only the server holds it. */
  secret: string;
  /** Senders at once: the trainer and one trainee on stage. */
  publishers: number;
  /** The VideoRoom plugin's admin_key (its config), without which Janus creates no room. */
  adminKey: string;
}

/**
 * The VideoRoom requests the server makes for one room: create it, keep its allowed list, kick,
 * list participants, destroy. Every room checks tokens at join and needs a participant's private_id
 * to subscribe, so a subscriber too must have joined with a token first.
 */
export class VideoRoom {
  constructor(
    private readonly client: JanusClient,
    readonly spec: VideoRoomSpec,
  ) {}

  get room(): number {
    return this.spec.room;
  }

  async create(allowed: readonly string[]): Promise<void> {
    const { room, description, secret, publishers, adminKey } = this.spec;
    await this.client.message({
      request: "create",
      admin_key: adminKey,
      room,
      description,
      secret,
      publishers,
      allowed: [...allowed],
      require_pvtid: true,
      // Hidden from `list`: a room's number is no business of anyone without a ticket.
      is_private: true,
      permanent: false,
    });
  }

  async allow(tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.client.message({ request: "allowed", room: this.room, secret: this.spec.secret, action: "add", allowed: [...tokens] });
  }

  async disallow(tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.client.message({ request: "allowed", room: this.room, secret: this.spec.secret, action: "remove", allowed: [...tokens] });
  }

  /** Kicks a participant and, since the room needs private ids, the subscriptions it made. */
  async kick(id: number): Promise<void> {
    await this.client.message({ request: "kick", room: this.room, secret: this.spec.secret, id });
  }

  async participants(): Promise<VideoRoomParticipant[]> {
    const data = await this.client.message({ request: "listparticipants", room: this.room });
    return ((data["participants"] as VideoRoomParticipant[] | undefined) ?? []).map((p) => ({ id: p.id, display: p.display, publisher: p.publisher === true }));
  }

  async destroy(): Promise<void> {
    await this.client.message({ request: "destroy", room: this.room, secret: this.spec.secret });
  }
}
