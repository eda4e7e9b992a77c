import { CheckpointResponse, InclusionProofResponse } from "@telecal/protocols";
import { checkpointSignatureValid, startServer, type TelecalServer, verifyInclusion } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("GET /api/records/checkpoint and /api/records/:id/proof", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, records: { checkpointIntervalMs: 0 } });
  });
  afterAll(async () => {
    await server?.close();
  });
  const get = (url: string) => server.app.inject({ method: "GET", url });

  it("answers TC_ERR_NO_CHECKPOINT while the log has no checkpoint", async () => {
    const res = await get("/api/records/checkpoint");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "TC_ERR_NO_CHECKPOINT" });
  });

  it("gives the latest signed checkpoint and the key, and proofs that verify with nothing but the answers", async () => {
    for (let i = 0; i < 5; i++) {
      await server.store.records.append({ kind: "procedure-event", stream: "session/s1", actor: "user:tech", payload: { step: i } });
    }
    await server.checkpoints.checkpoint();
    const cp = CheckpointResponse.parse((await get("/api/records/checkpoint")).json());
    expect(cp.checkpoint.treeSize).toBe(5);
    expect(cp.publicKey.keyId).toBe(cp.checkpoint.keyId);
    expect(checkpointSignatureValid(cp.checkpoint, cp.publicKey.spki)).toBe(true);
    for (let id = 1; id <= 5; id++) {
      const res = await get(`/api/records/${id}/proof`);
      expect(res.statusCode).toBe(200);
      const proof = InclusionProofResponse.parse(res.json());
      expect(proof.checkpoint).toEqual(cp.checkpoint);
      const hex = (h: string) => Buffer.from(h, "hex");
      expect(verifyInclusion(hex(proof.leafHash), proof.leafIndex, proof.checkpoint.treeSize, proof.auditPath.map(hex), hex(proof.checkpoint.rootHash))).toBe(true);
    }
  });

  it("refuses a bad id (400), an unknown one (404) and one newer than the checkpoint (409), each with its code", async () => {
    expect((await get("/api/records/abc/proof")).json()).toMatchObject({ code: "TC_ERR_VALIDATION" });
    expect((await get("/api/records/0/proof")).statusCode).toBe(400);
    const unknown = await get("/api/records/999/proof");
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([404, "TC_ERR_RECORD_NOT_FOUND"]);
    const record = await server.store.records.append({ kind: "approval", stream: "session/s1", actor: "user:expert", payload: {} });
    const newer = await get(`/api/records/${record.id}/proof`);
    expect([newer.statusCode, newer.json<{ code: string }>().code]).toEqual([409, "TC_ERR_RECORD_NOT_CHECKPOINTED"]);
  });

  it("is in the OpenAPI document with its response schemas", async () => {
    const doc = (await get("/api/openapi.json")).json<{ paths: Record<string, { get?: { responses?: Record<string, unknown> } }> }>();
    expect(doc.paths["/api/records/checkpoint"]?.get?.responses?.["200"]).toBeDefined();
    expect(doc.paths["/api/records/{id}/proof"]?.get?.responses?.["200"]).toBeDefined();
  });
});
