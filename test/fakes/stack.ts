import { Agent, AgentConfig, getSimDefinition, InstrumentSimulator, serveTcp, type SimServer, silentLogger } from "@telecal/agent";
import { NAMESPACE, type ServerToUiEvents, type UiToServerEvents } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";

export interface Stack {
  server: TelecalServer;
  sim: SimServer;
  agent: Agent;
  close(): Promise<void>;
}

/** Server, one simulated DMM and an agent reading it, all on free loopback ports. */
export async function startStack(options: { webRoot?: string | null; intervalMs?: number } = {}): Promise<Stack> {
  const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: options.webRoot ?? null });
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
  const agent = new Agent(config, silentLogger);
  agent.start();
  return {
    server,
    sim,
    agent,
    async close() {
      await agent.stop();
      await sim.close();
      await server.close();
    },
  };
}

export function uiClient(url: string): Socket<ServerToUiEvents, UiToServerEvents> {
  return io(`${url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true });
}
