import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultProxy } from "../../fakes/fault-proxy";

/** An echo server that also keeps what it received, and its sockets. */
interface Echo {
  server: Server;
  port: number;
  received: () => number;
  sockets: Set<Socket>;
}

async function startEcho(): Promise<Echo> {
  const sockets = new Set<Socket>();
  let received = 0;
  const server = createServer((s) => {
    sockets.add(s);
    s.on("data", (c) => {
      received += c.length;
      s.write(c);
    });
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, received: () => received, sockets };
}

async function dial(port: number): Promise<{ socket: Socket; got: () => Buffer; closed: Promise<string> }> {
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  const closed = new Promise<string>((resolve) => {
    let error = "";
    socket.on("error", (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on("close", () => resolve(error || "closed"));
  });
  await once(socket, "connect");
  return { socket, got: () => Buffer.concat(chunks), closed };
}

/** Waits until `check` holds, polling; the error names what was awaited. */
async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function settle(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe("fault proxy", () => {
  let echo: Echo;
  let proxy: FaultProxy;
  beforeEach(async () => {
    echo = await startEcho();
    proxy = await FaultProxy.start({ host: "127.0.0.1", port: echo.port });
  });
  afterEach(async () => {
    await proxy.close();
    for (const s of echo.sockets) s.destroy();
    await new Promise((r) => echo.server.close(r));
  });

  it("passes bytes both ways unchanged", async () => {
    const c = await dial(proxy.port);
    c.socket.write("hello, 计量");
    await until("the echo of 'hello, 计量'", () => c.got().toString() === "hello, 计量");
    expect(proxy.forwarded).toBe(2 * Buffer.byteLength("hello, 计量"));
    c.socket.end();
    expect(await c.closed).toBe("closed");
  });

  it("adds latency each way and keeps the order of chunks", async () => {
    proxy.latency(150);
    const c = await dial(proxy.port);
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) c.socket.write(`${i},`);
    await until("ten echoed chunks", () => c.got().toString() === "0,1,2,3,4,5,6,7,8,9,");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    proxy.latency(0);
    const t1 = Date.now();
    c.socket.write("x");
    await until("the echo of x", () => c.got().toString().endsWith("x"));
    expect(Date.now() - t1).toBeLessThan(150);
    c.socket.destroy();
  });

  it("blackholes: accepts connections but passes nothing either way until healed", async () => {
    const before = await dial(proxy.port);
    proxy.blackhole(true);
    const during = await dial(proxy.port);
    before.socket.write("lost");
    during.socket.write("lost too");
    await settle(300);
    expect(before.got().length).toBe(0);
    expect(during.got().length).toBe(0);
    expect(echo.received()).toBe(0);
    expect(proxy.openConnections).toBe(2);
    proxy.blackhole(false);
    during.socket.write("after");
    await until("the echo of 'after'", () => during.got().toString() === "after");
    expect(echo.received()).toBe("after".length);
    before.socket.destroy();
    during.socket.destroy();
  });

  it("resets every open connection, on both ends", async () => {
    const a = await dial(proxy.port);
    const b = await dial(proxy.port);
    await until("both connections upstream", () => echo.sockets.size === 2);
    proxy.resetAll();
    expect(await a.closed).toBe("ECONNRESET");
    expect(await b.closed).toBe("ECONNRESET");
    await until("the upstream sockets to close", () => echo.sockets.size === 0);
    const c = await dial(proxy.port);
    c.socket.write("again");
    await until("the echo of 'again'", () => c.got().toString() === "again");
    c.socket.destroy();
  });

  it("cuts a connection after N bytes, once, and lets the next one through", async () => {
    const c = await dial(proxy.port);
    const cut = once(proxy, "cut");
    // 100 bytes out and 100 back leave 50: the cut lands in the middle of the second chunk out.
    proxy.cutAfter(250);
    c.socket.write(Buffer.alloc(100, 1));
    await until("the first echo", () => c.got().length === 100);
    c.socket.write(Buffer.alloc(100, 2));
    expect(await cut).toEqual([250]);
    expect(await c.closed).toBe("ECONNRESET");
    await until("the upstream to hold 150 bytes", () => echo.received() === 150);
    expect(c.got().length).toBe(100);
    const next = await dial(proxy.port);
    next.socket.write(Buffer.alloc(1000, 4));
    await until("1000 bytes echoed on the next connection", () => next.got().length === 1000);
    next.socket.destroy();
  });

  it("with once: false cuts every connection after N bytes until disarmed", async () => {
    proxy.cutAfter(10, { once: false });
    for (let i = 0; i < 3; i++) {
      const c = await dial(proxy.port);
      c.socket.write(Buffer.alloc(50));
      expect(await c.closed).toBe("ECONNRESET");
    }
    proxy.cutAfter(null);
    const c = await dial(proxy.port);
    c.socket.write(Buffer.alloc(50));
    await until("50 bytes echoed once disarmed", () => c.got().length === 50);
    c.socket.destroy();
  });
});
