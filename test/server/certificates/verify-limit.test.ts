import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The public check of an uploaded certificate is open to anyone: it is rate limited per address. */
describe("POST /api/certificates/verify is rate limited per client address", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, certificateVerifyLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers each of the first uploads with its own verdict, then 429 TC_ERR_RATE_LIMITED", async () => {
    const upload = (ip: string) =>
      server.app.inject({ method: "POST", url: "/api/certificates/verify", remoteAddress: ip, headers: { "content-type": "application/pdf" }, payload: Buffer.from("%PDF-1.7 not a certificate") });
    for (let i = 0; i < 3; i++) {
      const res = await upload("192.0.2.10");
      expect([res.statusCode, res.json<{ code: string }>().code]).not.toEqual([429, "TC_ERR_RATE_LIMITED"]);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    const limited = await upload("192.0.2.10");
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "TC_ERR_RATE_LIMITED" });
    // Another address is not held up by the first.
    expect((await upload("192.0.2.11")).statusCode).not.toBe(429);
  });
});
