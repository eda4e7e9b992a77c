import { randomBytes } from "node:crypto";
import { MEDIA_MESH_MAX_PEOPLE, type MediaTicket, TelecalError, type UserInfo } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { RtcOptions } from "../realtime/rtc-ice-config";
import { rtcConfigFor } from "../realtime/rtc-ice-config";
import { JanusClient } from "./janus-client";
import { DEFAULT_GUARD_MS, type JanusOptions } from "./janus-options";
import { MediaRoom, type MediaRoomCheck, randomJanusId } from "./media-room";
import { VideoRoom } from "./video-room";

/** A room's check and description for a key it knows (e.g. `lesson:<id>`), or null. */
export type MediaRoomOpener = (key: string) => { check: MediaRoomCheck; description: string } | null;

/** The trainer and one trainee on stage. */
export const MEDIA_ROOM_PUBLISHERS = 2;

/**
 * The media rooms of this server process, keyed by their binders' names (`lesson:<id>`). A lesson
 * opens its room with its own check of who may enter, and asks again when people leave or are
 * removed. Without Janus, every ticket says that video falls back to the mesh.
 */
export class MediaRooms {
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly openers: MediaRoomOpener[] = [];
  private readonly client: JanusClient | null;
  private readonly guardTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly janus: JanusOptions | undefined,
    private readonly rtc: RtcOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.client = janus ? new JanusClient(janus.url, "janus.plugin.videoroom", janus.apiSecret) : null;
    if (janus) {
      this.guardTimer = setInterval(() => void this.guardAll(), janus.guardMs ?? DEFAULT_GUARD_MS);
      this.guardTimer.unref();
    }
  }

  /** Whether course video goes through Janus (else the mesh, for MEDIA_MESH_MAX_PEOPLE at most). */
  get sfu(): boolean {
    return this.client !== null;
  }

  /** Opens (or re-binds) a room under `key`; `check` says who may enter and as what. */
  open(key: string, check: MediaRoomCheck, description = key): void {
    const existing = this.rooms.get(key);
    if (existing) {
      // The same Janus room and the tickets already out; only the check changes.
      existing.check = check;
      return;
    }
    if (!this.client || !this.janus) {
      this.rooms.set(key, new MediaRoom(key, check, NO_JANUS));
      return;
    }
    const spec = { room: randomJanusId(), description: description.slice(0, 100), secret: randomBytes(24).toString("base64url"), publishers: MEDIA_ROOM_PUBLISHERS, adminKey: this.janus.roomAdminKey };
    this.rooms.set(key, new MediaRoom(key, check, new VideoRoom(this.client, spec)));
  }

  has(key: string): boolean {
    return this.rooms.has(key);
  }

  /**
   * A ticket for `user` only if the room's check lets them in: Janus's room number, a token in its
   * allowed list and the participant id to join with; without Janus, the mesh's limit.
   */
  async ticket(key: string, user: UserInfo): Promise<MediaTicket> {
    const room = this.rooms.get(key) ?? (await this.openFor(key, user));
    const role = await room.check(user);
    if (role === null) throw new TelecalError("TC_ERR_MEDIA_REFUSED", { user: user.username, room: key });
    if (!this.janus) return { mode: "mesh", maxPeople: MEDIA_MESH_MAX_PEOPLE };
    const admission = await room.admit(user, role);
    return {
      mode: "sfu",
      janusUrl: this.janus.publicUrl ?? this.janus.url,
      room: room.janus.room,
      token: admission.token,
      feedId: admission.feedId,
      role: room.roleOf(user.id, role),
      display: user.displayName,
      rtc: rtcConfigFor(this.rtc, user.id),
    };
  }

  /** Who opens a room nobody opened yet, at the first ticket asked of it (a lesson's video). */
  addOpener(opener: MediaRoomOpener): void {
    this.openers.push(opener);
  }

  /** Opens `key`'s room through its opener, only for someone it lets in: a stranger's ask for any key opens nothing. */
  private async openFor(key: string, user: UserInfo): Promise<MediaRoom> {
    const found = this.openers.map((o) => o(key)).find((r) => r !== null);
    if (!found) throw new TelecalError("TC_ERR_MEDIA_NO_ROOM", { room: key });
    if ((await found.check(user)) === null) throw new TelecalError("TC_ERR_MEDIA_REFUSED", { user: user.username, room: key });
    this.open(key, found.check, found.description);
    return this.rooms.get(key)!;
  }

  /** The person left or was removed: their tokens are withdrawn and their participants kicked (with `feedId`, one ticket's only). */
  async remove(key: string, userId: string, feedId?: number): Promise<void> {
    await this.rooms.get(key)?.remove(userId, feedId);
  }

  /**
   * Brings one person on stage (they may send beside the publishers), or none. A room nobody asked
   * a ticket of yet is opened through its opener (the caller, a lesson, has checked its trainer).
   */
  setStage(key: string, userId: string | null): void {
    if (!this.rooms.has(key)) {
      const found = this.openers.map((o) => o(key)).find((r) => r !== null);
      if (found) this.open(key, found.check, found.description);
    }
    const room = this.rooms.get(key);
    if (!room) throw new TelecalError("TC_ERR_MEDIA_NO_ROOM", { room: key });
    room.setStage(userId);
  }

  /** Who is on stage in `key`'s room (null: nobody, or no such room in this process). */
  stageOf(key: string): string | null {
    return this.rooms.get(key)?.stage ?? null;
  }

  /** Kicks senders that may not send, in every open room, now (the timer does it every guardMs). */
  async guardAll(): Promise<number[]> {
    const kicked: number[] = [];
    for (const room of this.rooms.values()) {
      try {
        const gone = await room.guard();
        if (gone.length > 0) this.log.warn({ room: room.key, kicked: gone }, "kicked participants the server did not let send");
        kicked.push(...gone);
      } catch (err) {
        this.log.warn({ room: room.key, err: String(err) }, "could not check the senders of a video room");
      }
    }
    return kicked;
  }

  /** The lesson ended: Janus destroys the room, and everyone in it is out. */
  async close(key: string): Promise<void> {
    const room = this.rooms.get(key);
    this.rooms.delete(key);
    await room?.destroy();
  }

  async closeAll(): Promise<void> {
    if (this.guardTimer) clearInterval(this.guardTimer);
    for (const key of [...this.rooms.keys()]) await this.close(key).catch((err: unknown) => this.log.warn({ room: key, err: String(err) }, "could not destroy a video room"));
    await this.client?.close();
  }
}

/** The room of a server without Janus: nothing to create or kick (tickets say "mesh" before reaching it). */
const NO_JANUS = new VideoRoom(new JanusClient("http://janus.invalid", "none"), { room: 1, description: "", secret: "", publishers: 0, adminKey: "" });
