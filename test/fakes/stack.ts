import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, AgentConfig, getSimDefinition, InstrumentSimulator, serveTcp, type SimServer, silentLogger } from "@telecal/agent";
import { NAMESPACE, type ServerToUiEvents, type UiToServerEvents } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { enrolAgent, login, seedUsers } from "./auth";

export interface Stack {
  /** The running server; a new one after restartServer(). */
  server: TelecalServer;
  sim: SimServer;
  agent: Agent;
  /** Bearer token of the stack's signed-in technician (username `technician`, see fakes/auth.ts). */
  token: string;
  /** The server's data dir (a temp dir removed by close() unless one was given). */
  dataDir: string;
  /**
   * Closes the server and starts a new one on the same port and data dir; the agent reconnects.
   * `whileDown` runs between the two.
   */
  restartServer(whileDown?: () => Promise<void>): Promise<TelecalServer>;
  close(): Promise<void>;
}

export interface StackOptions {
  webRoot?: string | null;
  intervalMs?: number;
  dataDir?: string;
}

/** Server (SQLite in a data dir), one simulated DMM and an agent reading it, on free loopback ports. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "telecal-stack-"));
  const serve = (port: number) =>
    startServer({ host: "127.0.0.1", port, logger: false, webRoot: options.webRoot ?? null, dataDir });
  let server = await serve(0);
  await seedUsers(server);
  const { auth: credential, deviceKey } = await enrolAgent(server, "lab-test");
  const token = await login(server, "technician");
  const port = Number(new URL(server.url).port);
  const sim = await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0);
  const config = AgentConfig.parse({
    version: 1,
    server: { url: server.url },
    agent: { id: "lab-test", name: "测试实验室" },
    instruments: [
      {
        id: "dmm1",
        driver: "keysight-34465a",
        role: "uut",
        transport: { type: "tcp", host: "127.0.0.1", port: sim.port },
        intervalMs: options.intervalMs ?? 100,
      },
    ],
  });
  const agent = new Agent(config, silentLogger, undefined, { credential, deviceKey });
  agent.start();
  const stack: Stack = {
    server,
    sim,
    agent,
    token,
    dataDir,
    async restartServer(whileDown) {
      await server.close();
      await whileDown?.();
      server = await serve(port);
      stack.server = server;
      return server;
    },
    async close() {
      await agent.stop();
      await sim.close();
      await server.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A /ui viewer authenticated with a bearer token in the socket.io `auth` payload. */
export function uiClient(url: string, token: string): Socket<ServerToUiEvents, UiToServerEvents> {
  return io(`${url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, auth: { token } });
}
