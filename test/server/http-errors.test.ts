import { request } from "node:http";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** One raw HTTP exchange, so that headers and URLs no well-behaved client would send reach the server. */
function raw(url: string, path: string, headers: Record<string, string> = {}, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const codeOf = (body: string) => (JSON.parse(body) as { code: string }).code;

describe("malformed HTTP requests get registry errors with their own status, never a bare framework answer", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a URL that does not decode: 400 TC_ERR_BAD_URL", async () => {
    const res = await raw(server.url, "/..%c0%af");
    expect([res.status, codeOf(res.body)]).toEqual([400, "TC_ERR_BAD_URL"]);
  });

  it("a 60 kB cookie: 431 TC_ERR_HEADERS_TOO_LARGE", async () => {
    const res = await raw(server.url, "/api/auth/me", { cookie: `telecal_session=${"x".repeat(60_000)}` });
    expect([res.status, codeOf(res.body)]).toEqual([431, "TC_ERR_HEADERS_TOO_LARGE"]);
  });

  it("a body of a type the route does not take: 415 TC_ERR_MEDIA_TYPE; over its limit: 413 TC_ERR_BODY_TOO_LARGE", async () => {
    const typed = await raw(server.url, "/api/auth/login", { "content-type": "application/x-telecal-nonsense" }, "POST", "hello");
    expect([typed.status, codeOf(typed.body)]).toEqual([415, "TC_ERR_MEDIA_TYPE"]);
    const big = JSON.stringify({ username: "x".repeat(2_000_000), password: "y" });
    const large = await raw(server.url, "/api/auth/login", { "content-type": "application/json" }, "POST", big);
    expect([large.status, codeOf(large.body)]).toEqual([413, "TC_ERR_BODY_TOO_LARGE"]);
  });
});
