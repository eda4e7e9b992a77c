import { createServer, type Server, type Socket } from "node:net";
import { LineFramer } from "../dialects/line-framer";
import type { InstrumentSimulator } from "./engine";

export interface SimServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

/**
 * Serves one simulated instrument on a raw TCP port (LXI "SCPI raw socket"): every client talks
 * to the same instrument state, one line at a time, as on the real thing.
 */
export async function serveTcp(sim: InstrumentSimulator, host: string, port: number): Promise<SimServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    // Commands end with the instrument's terminator; CR LF is framed at LF and the CR trimmed.
    const framer = new LineFramer(sim.definition.terminator === "\r" ? "\r" : "\n");
    let chain = Promise.resolve();
    socket.on("data", (chunk) => {
      for (const raw of framer.push(chunk).lines) {
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        chain = chain.then(async () => {
          const reply = sim.handle(line);
          if (reply.delayMs > 0) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (reply.text !== null && !socket.destroyed) {
            socket.write(Buffer.from(reply.text + sim.definition.terminator, "latin1"));
          }
          if (reply.close) socket.destroy();
        });
      }
    });
    const offOutput = sim.onOutput((text) => {
      if (!socket.destroyed) socket.write(Buffer.from(text + sim.definition.terminator, "latin1"));
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      sockets.delete(socket);
      offOutput();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    host,
    port: typeof address === "object" && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
