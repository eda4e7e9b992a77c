import { describe, expect, it } from "vitest";
import { rtcOptionsOf } from "../../cli/commands/server";

const BASE = { port: 0, host: "127.0.0.1", dataDir: "./data" };

describe("telecal server: STUN and TURN settings", () => {
  it("takes the environment, and the options win over it; the secret comes from the environment only", () => {
    const env = { TELECAL_STUN_URLS: "stun:env:3478", TELECAL_TURN_URLS: "turn:env:3478", TELECAL_TURN_SECRET: "s3cret" };
    expect(rtcOptionsOf(BASE, env)).toEqual({ stunUrls: ["stun:env:3478"], turnUrls: ["turn:env:3478"], turnSecret: "s3cret" });
    expect(rtcOptionsOf({ ...BASE, stun: "stun:a:3478, stun:b:3478", turn: "turn:t:3478?transport=udp", iceRelayOnly: true }, env)).toEqual({
      stunUrls: ["stun:a:3478", "stun:b:3478"],
      turnUrls: ["turn:t:3478?transport=udp"],
      turnSecret: "s3cret",
      iceTransportPolicy: "relay",
    });
    expect(rtcOptionsOf(BASE, {})).toEqual({ stunUrls: [], turnUrls: [] });
  });
});
