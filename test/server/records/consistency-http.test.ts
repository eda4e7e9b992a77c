import { ConsistencyProofResponse } from "@telecal/protocols";
import { checkpointSignatureValid, startServer, type TelecalServer, verifyConsistency } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("GET /api/records/consistency over HTTP", () => {
  let server: TelecalServer;
  const sizes: number[] = [];
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, records: { checkpointIntervalMs: 0 } });
    // Checkpoints at 1, 3, 4, 7 and 12 records: powers of two and not.
    for (const size of [1, 3, 4, 7, 12]) {
      while ((await server.store.records.page(0, 100)).length < size) {
        await server.store.records.append({ kind: "procedure-event", stream: "session/s1", actor: "user:tech", payload: { n: sizes.length } });
      }
      sizes.push((await server.checkpoints.checkpoint())!.treeSize);
    }
  });
  afterAll(async () => {
    await server?.close();
  });
  const get = (query: string) => fetch(`${server.url}/api/records/consistency${query}`);

  it("proves every pair of checkpoints consistent with nothing but the answer and the log's key", async () => {
    expect(sizes).toEqual([1, 3, 4, 7, 12]);
    const spki = server.checkpoints.key.publicKey.spki;
    for (const m of sizes) {
      for (const n of sizes.filter((s) => s >= m)) {
        const res = await get(`?first=${m}&second=${n}`);
        expect(res.status).toBe(200);
        const body = ConsistencyProofResponse.parse(await res.json());
        expect([body.first.treeSize, body.second.treeSize]).toEqual([m, n]);
        expect(checkpointSignatureValid(body.first, spki) && checkpointSignatureValid(body.second, spki)).toBe(true);
        const hex = (h: string) => Buffer.from(h, "hex");
        expect(verifyConsistency(m, n, body.proof.map(hex), hex(body.first.rootHash), hex(body.second.rootHash)), `${m} to ${n}`).toBe(true);
      }
    }
  });

  it("refuses sizes that are not checkpoints, in the wrong order, or not numbers: 400 with a registry code", async () => {
    const cases: [string, string][] = [
      ["?first=2&second=7", "TC_ERR_CONSISTENCY_SIZES"],
      ["?first=3&second=13", "TC_ERR_CONSISTENCY_SIZES"],
      ["?first=7&second=3", "TC_ERR_CONSISTENCY_SIZES"],
      ["?first=0&second=3", "TC_ERR_VALIDATION"],
      ["?first=x&second=3", "TC_ERR_VALIDATION"],
      ["?first=3", "TC_ERR_VALIDATION"],
    ];
    for (const [query, code] of cases) {
      const res = await get(query);
      expect([query, res.status, ((await res.json()) as { code: string }).code]).toEqual([query, 400, code]);
    }
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, { get?: { responses?: Record<string, unknown> } }> };
    expect(doc.paths["/api/records/consistency"]?.get?.responses?.["200"]).toBeDefined();
  });
});
