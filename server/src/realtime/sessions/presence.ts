import type { ConnectionQuality, Participant, SessionUser } from "@telecal/protocols";

interface Present {
  user: SessionUser;
  /** Sockets of this user in the session: a person may have two tabs open. */
  sockets: Set<string>;
  since: number;
  quality: ConnectionQuality | null;
}

/** What a change of presence means for the session: someone came, left, or dropped. */
export type PresenceChange = { kind: "joined" | "left" | "dropped"; user: SessionUser } | null;

/**
 * Who is in one session. A person is there while any of their sockets is; when the last one drops
 * they stay listed as not connected (expected back), and when they leave they are gone.
 */
export class Presence {
  private readonly people = new Map<string, Present>();

  add(socketId: string, user: SessionUser, now = Date.now()): PresenceChange {
    const present = this.people.get(user.userId);
    if (present && present.sockets.size > 0) {
      present.sockets.add(socketId);
      present.user = user;
      return null;
    }
    this.people.set(user.userId, { user, sockets: new Set([socketId]), since: present?.since ?? now, quality: null });
    return { kind: "joined", user };
  }

  /** A socket leaves (`dropped`: its link went down). */
  remove(socketId: string, dropped: boolean): PresenceChange {
    for (const [userId, present] of this.people) {
      if (!present.sockets.delete(socketId)) continue;
      if (present.sockets.size > 0) return null;
      if (dropped) return { kind: "dropped", user: present.user };
      this.people.delete(userId);
      return { kind: "left", user: present.user };
    }
    return null;
  }

  has(socketId: string): boolean {
    return this.holding(socketId) !== undefined;
  }

  /**
   * A socket's latest connection quality becomes its person's (any of their sockets: the latest
   * report wins). Answers whether the person's quality changed, so that the room is told only then.
   */
  report(socketId: string, quality: ConnectionQuality): boolean {
    const present = this.holding(socketId);
    if (!present || present.quality === quality) return false;
    present.quality = quality;
    return true;
  }

  /** The quality of the person a socket belongs to, as the others see it. */
  qualityOf(socketId: string): ConnectionQuality | null {
    return this.holding(socketId)?.quality ?? null;
  }

  /** The user, if connected now. */
  connected(userId: string): SessionUser | undefined {
    const present = this.people.get(userId);
    return present && present.sockets.size > 0 ? present.user : undefined;
  }

  /** Nobody is connected (dropped people may still be listed). */
  get idle(): boolean {
    for (const present of this.people.values()) if (present.sockets.size > 0) return false;
    return true;
  }

  list(): Participant[] {
    return [...this.people.values()].map((p) => ({ ...p.user, connected: p.sockets.size > 0, since: p.since, quality: p.quality }));
  }

  private holding(socketId: string): Present | undefined {
    for (const present of this.people.values()) if (present.sockets.has(socketId)) return present;
    return undefined;
  }
}
