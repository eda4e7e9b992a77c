import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerOptions, startServer, type TelecalServer } from "@telecal/server";
import pino from "pino";
import { createDemoRegistry } from "../../cli/commands/demo-registry";
import { DEMO_AGENT, DEMO_ORGANISATION, type DemoLab, startDemoLab } from "../../cli/demo-lab";
import { login, TEST_PASSWORD } from "./auth";

/** The people of the demo station, each with TEST_PASSWORD. */
export const DEMO_PEOPLE = ["admin", "technician", "expert", "trainee"] as const;

export interface DemoStack {
  server: TelecalServer;
  lab: DemoLab;
  serverDir: string;
  agentDir: string;
  /** Bearer tokens by username. */
  tokens: Record<(typeof DEMO_PEOPLE)[number], string>;
  close(): Promise<void>;
}

/**
 * What `telecal start` runs, in this process: a server on a SQLite data dir, the demo lab's
 * simulators and agent (with its own data dir, settling ten times faster than real time), the
 * demo registry, and the demo station's people.
 */
export async function startDemoStack(
  options: { webRoot?: string | null; rtc?: ServerOptions["rtc"]; databaseUrl?: string; roomRefreshMs?: number; janus?: ServerOptions["janus"] } = {},
): Promise<DemoStack> {
  const serverDir = mkdtempSync(join(tmpdir(), "telecal-demo-server-"));
  const agentDir = mkdtempSync(join(tmpdir(), "telecal-demo-agent-"));
  const server = await startServer({
    host: "127.0.0.1",
    port: 0,
    logger: false,
    webRoot: options.webRoot ?? null,
    dataDir: serverDir,
    rtc: options.rtc,
    // A database URL (PostgreSQL) wins over the data dir.
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.roomRefreshMs ? { roomRefreshMs: options.roomRefreshMs } : {}),
    ...(options.janus ? { janus: options.janus } : {}),
  });
  const lab = await startDemoLab(server, pino({ level: "silent" }), { pollMs: 100, settleSpeedUp: 10, dataDir: agentDir });
  for (const role of DEMO_PEOPLE) {
    await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username: role, displayName: role, role, password: TEST_PASSWORD });
  }
  await createDemoRegistry(server, DEMO_ORGANISATION.id, DEMO_AGENT.id);
  const tokens = {} as DemoStack["tokens"];
  for (const who of DEMO_PEOPLE) tokens[who] = await login(server, who);
  return {
    server,
    lab,
    serverDir,
    agentDir,
    tokens,
    async close() {
      await lab.stop();
      await server.close();
      rmSync(serverDir, { recursive: true, force: true });
      rmSync(agentDir, { recursive: true, force: true });
    },
  };
}
