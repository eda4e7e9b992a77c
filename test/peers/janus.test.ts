import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Janus, startJanus } from "./janus";

/** The Janus peer the course video tests run against: only what they need, on loopback. */
describe("a private Janus from a generated config", () => {
  let janus: Janus;
  beforeAll(async () => {
    janus = await startJanus();
  }, 60_000);
  afterAll(async () => {
    await janus?.stop();
  });

  it("answers with the VideoRoom plugin and the HTTP transport only", async () => {
    const info = (await (await fetch(`${janus.url}/info`)).json()) as { plugins: Record<string, unknown>; transports: Record<string, unknown> };
    expect(Object.keys(info.plugins)).toEqual(["janus.plugin.videoroom"]);
    expect(Object.keys(info.transports)).toEqual(["janus.transport.http"]);
  });

  it("keeps its admin API behind the admin secret", async () => {
    const ask = async (secret: string) =>
      (await (await fetch(janus.adminUrl, { method: "POST", body: JSON.stringify({ janus: "list_sessions", transaction: "t", admin_secret: secret }) })).json()) as { janus: string };
    expect((await ask("wrong")).janus).toBe("error");
    expect((await ask(janus.adminSecret)).janus).toBe("success");
  });

  it("names no STUN server and gathers on this machine's own address only", async () => {
    const settings = (await (await fetch(janus.adminUrl, { method: "POST", body: JSON.stringify({ janus: "get_status", transaction: "t", admin_secret: janus.adminSecret }) })).json()) as { janus: string };
    expect(settings.janus).toBe("success");
    expect(janus.log()).toContain(`Adding '${janus.iceAddress}' to the ICE enforce list`);
    expect(janus.log()).not.toMatch(/STUN server/i);
  });
});
