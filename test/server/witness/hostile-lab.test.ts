import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LAB_ANSWER_MAX_BYTES, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a witness facing a hostile lab server", () => {
  let lab: Server;
  let witness: TelecalServer;
  let labUrl: string;
  beforeAll(async () => {
    // Answers every request with more bytes than a witness reads.
    lab = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`"${"x".repeat(LAB_ANSWER_MAX_BYTES + 1)}"`);
    });
    await new Promise<void>((resolve) => lab.listen(0, "127.0.0.1", resolve));
    labUrl = `http://127.0.0.1:${(lab.address() as AddressInfo).port}`;
    witness = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, witness: { of: [labUrl], intervalMs: 0 } });
  });
  afterAll(async () => {
    await witness?.close();
    await new Promise((resolve) => lab.close(resolve));
  });

  it("stops reading an answer larger than it takes, and counts the lab as out of reach, not as evidence", async () => {
    const [outcome] = await witness.witness!.pollAll();
    expect(outcome).toEqual({ log: labUrl, status: "unreachable", reason: `GET ${labUrl}/api/records/checkpoint: the answer is larger than ${LAB_ANSWER_MAX_BYTES} bytes` });
  });
});
