// Child process of bench/fanout.ts: one server (telecal, or the bare relay) whose own memory is
// measured while viewers in another process connect. A fresh process per server, so that neither
// starts on memory the other freed, and run with --expose-gc so that a reading is taken after a full GC.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as turn, setTimeout as sleep } from "node:timers/promises";
import { NAMESPACE } from "@telecal/protocols";
import { startServer } from "@telecal/server";
import { login, seedUsers } from "../test/fakes/auth";
import { BARE_OUT, startBareRelay } from "./_fanout-bare";
import { serveCalls } from "./_fanout-child";

export interface Memory {
  rss: number;
  /** V8 heap in use plus memory outside it (Buffers, ArrayBuffers). */
  heap: number;
  /** Viewers connected when it was taken. */
  viewers: number;
}

export type MemoryCalls = {
  /** Starts the server; answers the viewers' URL (with namespace) and, for telecal, a viewer's auth. */
  start: ["telecal" | "bare", { url: string; auth?: Record<string, string> }];
  /** Waits until exactly `viewers` are connected, then takes a reading after a full GC. */
  measure: [{ viewers: number }, Memory];
  stop: [null, null];
};

let viewers: () => number = () => 0;
let stop: () => Promise<void> = () => Promise.resolve();

const gc = (globalThis as { gc?: () => void }).gc;

serveCalls<MemoryCalls>({
  async start(kind) {
    if (kind === "bare") {
      const bare = await startBareRelay();
      viewers = () => bare.viewers();
      stop = () => bare.close();
      return { url: `${bare.url}${BARE_OUT}` };
    }
    const dataDir = mkdtempSync(join(tmpdir(), "telecal-bench-fanout-mem-"));
    const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    await seedUsers(server);
    const token = await login(server, "technician");
    viewers = () => server.io.of(NAMESPACE.ui).sockets.size;
    stop = async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
    return { url: `${server.url}${NAMESPACE.ui}`, auth: { token } };
  },
  async measure({ viewers: wanted }) {
    // Closed sockets leave the server a little after the client lets go: a condition, polled.
    while (viewers() !== wanted) await sleep(20);
    if (!gc) throw new Error("run with --expose-gc");
    // Several passes with a turn of the loop between: weak references and finalisers need one.
    for (let i = 0; i < 4; i++) {
      gc();
      await turn();
    }
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed + m.external, viewers: viewers() };
  },
  async stop() {
    await stop();
    return null;
  },
});
