// The bare baseline of the fanout bench: a socket.io server with telecal's engine options and nothing
// else (no auth, no schema check, no rooms), relaying every event a sender emits on /in to every client of /out.
import { createServer } from "node:http";
import { Server } from "socket.io";

/** The namespace bare viewers connect to. */
export const BARE_OUT = "/out";

export interface BareRelay {
  url: string;
  io: Server;
  /** Clients connected to /out. */
  viewers(): number;
  close(): Promise<void>;
}

export async function startBareRelay(): Promise<BareRelay> {
  const http = createServer();
  // As app.ts builds telecal's: the same heartbeats and buffer limit, so only telecal's own work differs.
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 4e6, pingInterval: 10_000, pingTimeout: 10_000 });
  const out = io.of(BARE_OUT);
  io.of("/in").on("connection", (socket) => socket.onAny((event: string, body: unknown) => out.emit(event, body)));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    viewers: () => out.sockets.size,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
