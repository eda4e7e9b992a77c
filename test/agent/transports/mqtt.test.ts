import { isTelecalError } from "@telecal/protocols";
import { afterEach, describe, expect, it } from "vitest";
import { MqttTransport, topicMatches } from "@telecal/agent/transports/mqtt";
import { type EmbeddedBroker, startEmbeddedBroker } from "@telecal/agent/transports/mqtt-broker";
import { captureLogger, until } from "../../fakes/mqtt";
import { freePort } from "../../peers/ports";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function broker(port = 0): Promise<EmbeddedBroker> {
  const b = await startEmbeddedBroker({ port });
  open.push(b);
  return b;
}

function link(url: string): MqttTransport {
  const t = new MqttTransport({ url, backoffMinMs: 20, backoffMaxMs: 200 });
  open.push(t);
  return t;
}

describe("topicMatches", () => {
  it.each([
    ["a/b", "a/b", true],
    ["a/+", "a/b", true],
    ["a/+", "a/b/c", false],
    ["a/#", "a", true],
    ["a/#", "a/b/c", true],
    ["spBv1.0/g/+/n", "spBv1.0/g/NDATA/n", true],
    ["spBv1.0/g/+/n", "spBv1.0/g/NDATA/n/dev", false],
    ["a/b", "a/c", false],
  ])("%s against %s is %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe("the embedded broker", () => {
  it("listens on a free port when asked for port 0 and says its URL", async () => {
    const b = await broker();
    expect(b.port).toBeGreaterThan(0);
    expect(b.url).toBe(`mqtt://127.0.0.1:${b.port}`);
  });

  it("refuses a port in use with an error that names it", async () => {
    const b = await broker();
    await expect(startEmbeddedBroker({ port: b.port })).rejects.toThrow(`cannot listen on 127.0.0.1:${b.port}`);
  });
});

describe("MqttTransport", () => {
  it("says up once its subscriptions stand, and delivers matching messages", async () => {
    const b = await broker();
    const sub = link(b.url);
    const pub = link(b.url);
    const got: string[] = [];
    sub.on("message", (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    void sub.subscribe("lab/+/state");
    const up = new Promise<void>((r) => sub.on("up", r));
    sub.open();
    pub.open();
    await up;
    await until("publisher up", () => pub.isUp);
    await pub.publish("lab/th-01/state", "23.1");
    await until("the message", () => got.length === 1);
    expect(got).toEqual(["lab/th-01/state 23.1"]);
    expect(b.clients()).toBe(2);
  });

  it("refuses to publish while down, naming the broker", async () => {
    const t = link("mqtt://127.0.0.1:1");
    const err = await t.publish("x", "y").catch((e: unknown) => e);
    expect(isTelecalError(err, "TC_ERR_TRANSPORT_CLOSED")).toBe(true);
    expect((err as Error).message).toContain("mqtt://127.0.0.1:1");
  });

  it("says once, not at every attempt, that it cannot reach the broker, and why", async () => {
    const log = captureLogger();
    const port = await freePort();
    const t = new MqttTransport({ url: `mqtt://127.0.0.1:${port}`, backoffMinMs: 10, backoffMaxMs: 20, log });
    open.push(t);
    t.open();
    await new Promise((r) => setTimeout(r, 300));
    const said = log.warnings().filter((w) => w.msg === "cannot reach the broker; retrying");
    expect(said).toHaveLength(1);
    expect(said[0]!.obj).toMatchObject({ ns: "mqtt", broker: `mqtt://127.0.0.1:${port}`, reason: expect.stringContaining("ECONNREFUSED") });
  });

  it("reports the broker's loss, reconnects to a new broker on the same port and subscribes again", async () => {
    const first = await startEmbeddedBroker({ port: 0 });
    const port = first.port;
    const sub = link(first.url);
    const downs: string[] = [];
    let ups = 0;
    const got: string[] = [];
    sub.on("down", (reason) => downs.push(reason));
    sub.on("up", () => ups++);
    sub.on("message", (_t, payload) => got.push(payload.toString()));
    void sub.subscribe("lab/#");
    sub.open();
    await until("first up", () => ups === 1);

    await first.close();
    await until("the loss reported", () => downs.length === 1);
    expect(sub.isUp).toBe(false);

    const second = await broker(port);
    await until("reconnected", () => ups === 2, 5000);
    const pub = link(second.url);
    pub.open();
    await until("publisher up", () => pub.isUp);
    await pub.publish("lab/env", "after");
    await until("a message through the new broker", () => got.includes("after"));
  });
});
