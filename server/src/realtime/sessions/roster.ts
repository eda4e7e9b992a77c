import type { Participant, SessionUser } from "@telecal/protocols";
import type { Peers } from "../peers";
import type { LiveSession, SessionRegistry } from "./registry";

/**
 * Who is in a session across the processes of a cluster: each process knows the people whose
 * sockets are its own (presence.ts); the session's list is all of theirs. A person with tabs on two
 * processes is one participant: connected if any tab is, since the earliest, with a measured quality.
 */
export class SessionRoster {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly peers: Peers,
  ) {
    peers.answer<string, Participant[]>("session:participants", (jobId) => registry.get(jobId)?.presence.list() ?? []);
  }

  async participants(session: LiveSession): Promise<Participant[]> {
    const local = session.presence.list();
    if (!this.peers.clustered) return local;
    return mergeParticipants([local, ...(await this.peers.ask<Participant[]>("session:participants", session.job.id))]);
  }

  /** The user, if connected to the session at any process now. */
  async connected(session: LiveSession, userId: string): Promise<SessionUser | undefined> {
    const here = session.presence.connected(userId);
    if (here || !this.peers.clustered) return here;
    const there = (await this.participants(session)).find((p) => p.userId === userId && p.connected);
    return there && { userId: there.userId, username: there.username, displayName: there.displayName, role: there.role, organisationId: there.organisationId };
  }
}

export function mergeParticipants(parts: readonly Participant[][]): Participant[] {
  const byUser = new Map<string, Participant>();
  for (const part of parts) {
    for (const p of part) {
      const seen = byUser.get(p.userId);
      byUser.set(
        p.userId,
        seen === undefined
          ? p
          : { ...seen, connected: seen.connected || p.connected, since: Math.min(seen.since, p.since), quality: (seen.connected ? seen.quality : null) ?? (p.connected ? p.quality : null) ?? seen.quality ?? p.quality },
      );
    }
  }
  return [...byUser.values()].sort((a, b) => a.since - b.since || a.userId.localeCompare(b.userId));
}
