import { janusOptionsFrom } from "@telecal/server";
import { describe, expect, it } from "vitest";

describe("telecal server: the Janus of course video", () => {
  it("takes --janus over TELECAL_JANUS_URL, and its keys from the environment only", () => {
    const env = { TELECAL_JANUS_URL: "http://env:8088/janus", TELECAL_JANUS_ROOM_KEY: "room-key", TELECAL_JANUS_PUBLIC_URL: "/janus/", TELECAL_JANUS_API_SECRET: "api" };
    expect(janusOptionsFrom(undefined, env)).toEqual({ url: "http://env:8088/janus", roomAdminKey: "room-key", publicUrl: "/janus", apiSecret: "api" });
    expect(janusOptionsFrom("http://127.0.0.1:8088/janus/", env)?.url).toBe("http://127.0.0.1:8088/janus");
  });

  it("is absent without a URL: course video falls back to the mesh", () => {
    expect(janusOptionsFrom(undefined, { TELECAL_JANUS_ROOM_KEY: "k" })).toBeUndefined();
    expect(janusOptionsFrom(undefined, { TELECAL_JANUS_URL: "" })).toBeUndefined();
  });
});
