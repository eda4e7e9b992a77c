import { ReadingsPage } from "@telecal/protocols";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/bench";
import { BIN } from "../fakes/cli";
import { type Stack, startStack } from "../fakes/stack";

const run = promisify(execFile);

describe("GET /api/streams and /api/streams/:id/readings", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ intervalMs: 20 });
    await waitFor("25 stored readings", () => ((stack.server.hub.snapshot().history["lab-test:dmm1.dcv"]?.length ?? 0) >= 25 ? true : undefined));
    await stack.agent.stop();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    stack.server.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${stack.token}`, ...headers } });

  it("refuses without a session", async () => {
    const res = await stack.server.app.inject({ method: "GET", url: "/api/streams" });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe("TC_ERR_AUTH_REQUIRED");
  });

  it("lists the stream and pages its readings", async () => {
    const streams = (await get("/api/streams")).json<{ streams: unknown[] }>().streams;
    expect(streams).toContainEqual(expect.objectContaining({ id: "lab-test:dmm1.dcv", agentId: "lab-test", unit: "V", quantity: "voltage" }));
    const first = ReadingsPage.parse((await get("/api/streams/lab-test:dmm1.dcv/readings?limit=10")).json());
    expect(first.readings.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first.next).toBe(9);
    const second = ReadingsPage.parse((await get(`/api/streams/lab-test:dmm1.dcv/readings?after=${first.next}&limit=10`)).json());
    expect(second.readings[0]?.seq).toBe(10);
  });

  it("returns the same readings as telecal export, in JSON and in CSV", async () => {
    const api = ReadingsPage.parse((await get("/api/streams/lab-test:dmm1.dcv/readings?limit=100000")).json());
    const cli = JSON.parse(
      (await run(process.execPath, [BIN, "export", "--stream", "lab-test:dmm1.dcv", "--format", "json", "--data-dir", stack.dataDir], { maxBuffer: 1 << 26 })).stdout,
    ) as { stream: unknown; readings: unknown[] };
    expect(api.readings).toEqual(cli.readings);
    expect(api.stream).toEqual(cli.stream);
    const csv = await get("/api/streams/lab-test:dmm1.dcv/readings?limit=100000", { accept: "text/csv" });
    expect(csv.headers["content-type"]).toContain("text/csv");
    const cliCsv = (await run(process.execPath, [BIN, "export", "--stream", "lab-test:dmm1.dcv", "--data-dir", stack.dataDir], { maxBuffer: 1 << 26 })).stdout;
    expect(csv.body).toBe(cliCsv);
  });

  it("answers an unknown stream and a bad query with their codes", async () => {
    expect((await get("/api/streams/lab-test:nope/readings")).json<{ code: string }>().code).toBe("TC_ERR_UNKNOWN_STREAM");
    const bad = await get("/api/streams/lab-test:dmm1.dcv/readings?limit=0");
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe("TC_ERR_VALIDATION");
    expect((await get("/api/streams/not-a-ref/readings")).statusCode).toBe(400);
  });
});
