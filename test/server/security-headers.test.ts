import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../fakes/auth";

describe("security headers: CSP without inline scripts, no framing, nosniff, API answers not cached", () => {
  let server: TelecalServer;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), "telecal-web-"));
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>t</title>");
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot });
    await seedUsers(server);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it("the page (and the public verify route it serves) forbids inline and foreign scripts and any framing", async () => {
    for (const url of ["/", "/verify"]) {
      const res = await server.app.inject({ method: "GET", url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("upgrade-insecure-requests");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("the public verify page has no inline script: its script is a file of the same origin", async () => {
    const page = await server.app.inject({ method: "GET", url: "/verify/no-such-certificate" });
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('<script src="/verify/check.js" defer></script>');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(String(page.headers["content-security-policy"])).toContain("script-src 'self'");
    const script = await server.app.inject({ method: "GET", url: "/verify/check.js" });
    expect([script.statusCode, script.headers["content-type"]]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect(script.body).toContain('fetch("/api/certificates/verify"');
  });

  it("API answers, signed in or not, are no-store", async () => {
    const token = await login(server, "expert");
    const me = await server.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } });
    expect([me.statusCode, me.headers["cache-control"]]).toEqual([200, "no-store"]);
    const refused = await server.app.inject({ method: "GET", url: "/api/auth/me" });
    expect([refused.statusCode, refused.headers["cache-control"]]).toEqual([401, "no-store"]);
  });
});
