import type { TelecalServer } from "@telecal/server";

/** How long the start waits for the demo agent's hello before printing its banner anyway. */
export const DEMO_AGENT_ONLINE_MS = 20_000;

/**
 * Resolves once the agent is online on the server (its hello taken, its jobs sent), or after
 * `timeoutMs` with false: the banner then says the demo agent is not online yet.
 */
export function agentOnline(server: TelecalServer, agentId: string, timeoutMs = DEMO_AGENT_ONLINE_MS): Promise<boolean> {
  const online = () => server.hub.summaries().some((a) => a.agentId === agentId && a.online);
  if (online()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (result: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    const unsubscribe = server.hub.onAgentsChanged(() => {
      if (online()) done(true);
    });
  });
}

/** The demo job: the first job of the demo agent (made with a new data dir), found again at every start; null when there is none. */
export async function demoJobId(server: TelecalServer, agentId: string): Promise<string | null> {
  const row = await server.store.db.selectFrom("jobs").select("id").where("agent_id", "=", agentId).orderBy("created_at").limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/** Resolves true once `done()` holds, checked every `everyMs`, or false after `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, everyMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
