import { createHmac } from "node:crypto";
import { RtcConfig } from "@telecal/protocols";
import { checkRtcOptions, rtcConfigFor, rtcOptionsFromEnv, startServer, type TelecalServer, turnCredential } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";

const SECRET = "north-wind-7";

describe("TURN credentials the coturn REST way (use-auth-secret)", () => {
  it("is `<expiry unix seconds>:<userId>` with base64 HMAC-SHA1 of it under the secret", () => {
    const { username, credential } = turnCredential(SECRET, "u-42", 1_900_000_000);
    expect(username).toBe("1900000000:u-42");
    expect(credential).toBe(createHmac("sha1", SECRET).update("1900000000:u-42").digest("base64"));
    // A known vector, computed independently: printf '1900000000:u-42' | openssl dgst -sha1 -hmac north-wind-7 -binary | base64
    expect(credential).toBe("QZSGAOzbovnL3eSvrD7Pogq6G74=");
  });

  it("expires after the TTL, and carries no credential for STUN", () => {
    const now = Date.UTC(2026, 11, 1, 8, 0, 0);
    const config = rtcConfigFor({ stunUrls: ["stun:stun.example.cn:3478"], turnUrls: ["turn:turn.example.cn:3478?transport=udp"], turnSecret: SECRET, turnTtlSeconds: 600, iceTransportPolicy: "relay" }, "u-1", now);
    expect(RtcConfig.parse(config)).toEqual(config);
    expect(config.iceServers[0]).toEqual({ urls: ["stun:stun.example.cn:3478"] });
    const turn = config.iceServers[1]!;
    expect(turn.username).toBe(`${now / 1000 + 600}:u-1`);
    expect(config.expiresAt).toBe(now + 600_000);
    expect(config.iceTransportPolicy).toBe("relay");
  });

  it("without configuration: no ICE servers at all (host candidates only)", () => {
    expect(rtcConfigFor({}, "u-1")).toEqual({ iceServers: [] });
    expect(rtcConfigFor(rtcOptionsFromEnv({}), "u-1")).toEqual({ iceServers: [] });
  });

  it("reads the environment and refuses settings that cannot work", () => {
    expect(rtcOptionsFromEnv({ TELECAL_STUN_URLS: "stun:a:3478, stun:b:3478", TELECAL_TURN_URLS: "turn:t:3478", TELECAL_TURN_SECRET: SECRET, TELECAL_TURN_TTL: "900", TELECAL_ICE_TRANSPORT_POLICY: "relay" })).toEqual({
      stunUrls: ["stun:a:3478", "stun:b:3478"],
      turnUrls: ["turn:t:3478"],
      turnSecret: SECRET,
      turnTtlSeconds: 900,
      iceTransportPolicy: "relay",
    });
    expect(() => rtcOptionsFromEnv({ TELECAL_ICE_TRANSPORT_POLICY: "tcp" })).toThrow(/TELECAL_ICE_TRANSPORT_POLICY/);
    expect(() => checkRtcOptions({ turnUrls: ["turn:t:3478"] })).toThrow(/TELECAL_TURN_SECRET/);
    expect(() => checkRtcOptions({ stunUrls: ["http://t"] })).toThrow(/stunUrls/);
    expect(() => checkRtcOptions({ iceTransportPolicy: "relay" })).toThrow(/relay only needs TURN/);
    expect(() => checkRtcOptions({ turnUrls: ["turn:t"], turnSecret: "s", turnTtlSeconds: 5 })).toThrow(/turnTtlSeconds/);
  });
});

describe("GET /api/rtc/config", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, rtc: { turnUrls: ["turn:127.0.0.1:3478"], turnSecret: SECRET, iceTransportPolicy: "relay" } });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a signed-in user its own credential, never cached; refuses the anonymous", async () => {
    expect((await server.app.inject({ method: "GET", url: "/api/rtc/config" })).json()).toMatchObject({ code: "TC_ERR_AUTH_REQUIRED" });
    const token = await login(server, "expert");
    const me = (await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } })).json<{ user: { id: string } }>();
    const res = await server.app.inject({ method: "GET", url: "/api/rtc/config", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    const config = RtcConfig.parse(res.json());
    const turn = config.iceServers[0]!;
    const [expiry, userId] = turn.username!.split(":");
    expect(userId).toBe(me.user.id);
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000);
    expect(turn.credential).toBe(createHmac("sha1", SECRET).update(turn.username!).digest("base64"));
    expect(config.iceTransportPolicy).toBe("relay");
  });
});
