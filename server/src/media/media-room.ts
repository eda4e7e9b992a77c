import { randomBytes, randomInt } from "node:crypto";
import type { MediaRole, UserInfo } from "@telecal/protocols";
import { JanusError } from "./janus-client";
import { NO_SUCH_ROOM, type VideoRoom } from "./video-room";

/** Decides who may enter a media room, and as what: the binding caller's own check (a lesson's). */
export type MediaRoomCheck = (user: UserInfo) => MediaRole | null | Promise<MediaRole | null>;

/** One admission: a token in the room's allowed list and the participant id it joins with. */
export interface Admission {
  userId: string;
  token: string;
  feedId: number;
  /** What the check said at admission; the stage can make a subscriber a publisher later. */
  role: MediaRole;
}

/** A Janus id below 2^48: unguessable enough, exact in JSON, and never 0. */
export function randomJanusId(): number {
  return randomInt(1, 2 ** 48);
}

/**
 * The state of one lesson's video room on the server: who holds which token and participant id,
 * who is on stage, and the Janus room behind it (made at the first admission, made again with all
 * current tokens if Janus lost it).
 */
export class MediaRoom {
  private readonly admissions = new Map<string, Admission>();
  private stageUserId: string | null = null;
  private created: Promise<void> | null = null;

  constructor(
    readonly key: string,
    public check: MediaRoomCheck,
    readonly janus: VideoRoom,
  ) {}

  /** Admits a person the check let in: a fresh token and participant id for each ticket asked. */
  async admit(user: UserInfo, role: MediaRole): Promise<Admission> {
    const admission: Admission = { userId: user.id, token: randomBytes(24).toString("base64url"), feedId: randomJanusId(), role };
    this.admissions.set(admission.token, admission);
    try {
      await this.ensureCreated();
      await this.retryOnLostRoom(() => this.janus.allow([admission.token]));
    } catch (err) {
      this.admissions.delete(admission.token);
      throw err;
    }
    return admission;
  }

  /**
   * The person leaves or is removed: their tokens leave the allowed list, then their participants
   * are kicked. With `feedId`, only that ticket of theirs (one tab of several).
   */
  async remove(userId: string, feedId?: number): Promise<void> {
    const gone = [...this.admissions.values()].filter((a) => a.userId === userId && (feedId === undefined || a.feedId === feedId));
    if (gone.length === 0) return;
    for (const a of gone) this.admissions.delete(a.token);
    if (this.stageUserId === userId && feedId === undefined) this.stageUserId = null;
    if (!this.created) return;
    await this.janus.disallow(gone.map((a) => a.token)).catch(ignoreLostRoom);
    for (const a of gone) await this.kickIfThere(a.feedId);
  }

  /** One trainee (or none) sends beside the trainer; a former one's sending participant is kicked at the next guard. */
  setStage(userId: string | null): void {
    this.stageUserId = userId;
  }

  get stage(): string | null {
    return this.stageUserId;
  }

  /** Whether a participant id may send: its admission's role, or its person is on stage. */
  maySend(feedId: number): boolean {
    const a = this.byFeed(feedId);
    return a !== undefined && (a.role === "publisher" || a.userId === this.stageUserId);
  }

  roleOf(userId: string, role: MediaRole): MediaRole {
    return userId === this.stageUserId ? "publisher" : role;
  }

  /**
   * Kicks every participant the server did not admit, and every sender that may not send; a
   * kicked sender's token leaves the allowed list, so it cannot come back with it. Returns whom it kicked.
   */
  async guard(): Promise<number[]> {
    if (!this.created) return [];
    const participants = await this.janus.participants().catch((err: unknown) => {
      if (err instanceof JanusError && err.janusCode === NO_SUCH_ROOM) return [];
      throw err;
    });
    const kicked: number[] = [];
    for (const p of participants) {
      const admission = this.byFeed(p.id);
      if (admission !== undefined && (!p.publisher || this.maySend(p.id))) continue;
      if (admission !== undefined) {
        this.admissions.delete(admission.token);
        await this.janus.disallow([admission.token]).catch(ignoreLostRoom);
      }
      await this.kickIfThere(p.id);
      kicked.push(p.id);
    }
    return kicked;
  }

  async destroy(): Promise<void> {
    this.admissions.clear();
    if (this.created) await this.janus.destroy().catch(ignoreLostRoom);
    this.created = null;
  }

  private byFeed(feedId: number): Admission | undefined {
    for (const a of this.admissions.values()) if (a.feedId === feedId) return a;
    return undefined;
  }

  private async kickIfThere(feedId: number): Promise<void> {
    await this.janus.kick(feedId).catch((err: unknown) => {
      // 428: no such participant (it never joined, or already left): nothing to kick.
      if (err instanceof JanusError && (err.janusCode === 428 || err.janusCode === NO_SUCH_ROOM)) return;
      throw err;
    });
  }

  private ensureCreated(): Promise<void> {
    if (!this.created) {
      const creating = this.janus.create([]);
      this.created = creating;
      creating.catch(() => this.created === creating && (this.created = null));
    }
    return this.created;
  }

  /** Janus restarted (its rooms live in memory): make the room again with every current token. */
  private async retryOnLostRoom(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof JanusError && err.janusCode === NO_SUCH_ROOM)) throw err;
      const creating = this.janus.create([...this.admissions.keys()]);
      this.created = creating;
      await creating;
    }
  }
}

function ignoreLostRoom(err: unknown): void {
  if (err instanceof JanusError && err.janusCode === NO_SUCH_ROOM) return;
  throw err;
}
