import { startServer, type TelecalServer } from "@telecal/server";
import { DEFAULT_COMPLEXITY_LIMITS } from "@telecal/server/certificates/complexity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curlUpload } from "./curl-upload";
import { healthLatencies, latencyBound } from "./health-latency";

/**
 * Issue 22, finding 2: an unauthenticated 18.4 MB XML with 1.5 million attributes sent to
 * POST /api/certificates/verify blocked the event loop 40 s. Now uploads are bounded before any
 * parse and checked in a worker thread, one at a time per address.
 */

/** `elements` start tags of `perElement` attributes each, padded with text to about `bytes`. */
function xml(elements: number, perElement: number, bytes: number): Buffer {
  const attrs = Array.from({ length: perElement }, (_, i) => ` a${i}="1"`).join("");
  const element = `<dcc:x${attrs}/>`;
  const body = element.repeat(elements - 1);
  const pad = Math.max(0, bytes - body.length - 200);
  return Buffer.from(`<dcc:digitalCalibrationCertificate>${body}<dcc:t>${"x".repeat(pad)}</dcc:t></dcc:digitalCalibrationCertificate>`);
}

/** The worst upload the bounds still accept: just under every limit at once. */
function worstAccepted(): Buffer {
  const l = DEFAULT_COMPLEXITY_LIMITS;
  return xml(l.maxElements - 2, Math.floor(l.maxAttributes / l.maxElements), l.maxXmlBytes - 1024);
}

describe("issue 22: a huge XML upload does not block the server", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    // The time limit is tested below: here a loaded machine must not cut the worst accepted check short.
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, trustProxy: ["127.0.0.1"], certificateChecks: { timeoutMs: 120_000 } });
    // The first request of a process sets up its HTTP client: not the server's latency.
    await fetch(`${server.url}/api/health`);
  });
  afterAll(async () => {
    await server?.close();
  });

  const upload = (bytes: Buffer, client = "192.0.2.1") =>
    curlUpload(`${server.url}/api/certificates/verify`, bytes, { "content-type": "application/xml", "x-forwarded-for": client });

  it("refuses the 1.5-million-attribute 18 MB upload 413 TC_ERR_CERT_TOO_COMPLEX", async () => {
    // 15,000 elements of 100 attributes: 1.5 million attributes, padded to 18 MB, as in the probe.
    const bytes = xml(15_001, 100, 18 * 1024 * 1024);
    expect(bytes.length).toBeGreaterThan(18_000_000);
    const { result, samples } = await healthLatencies(server.url, upload(bytes));
    expect(result).toEqual({ status: 413, code: "TC_ERR_CERT_TOO_COMPLEX" });
    if (samples.length > 0) expect(Math.max(...samples)).toBeLessThan(1000);
  });

  it("refuses by attribute count, element count and depth below the size limit", async () => {
    const l = DEFAULT_COMPLEXITY_LIMITS;
    expect(await upload(xml(100, Math.ceil(l.maxAttributes / 99) + 1, 0))).toEqual({ status: 413, code: "TC_ERR_CERT_TOO_COMPLEX" });
    expect(await upload(xml(l.maxElements + 1, 0, 0))).toEqual({ status: 413, code: "TC_ERR_CERT_TOO_COMPLEX" });
    const deep = Buffer.from(`${"<a>".repeat(l.maxDepth + 1)}${"</a>".repeat(l.maxDepth + 1)}`);
    expect(await upload(deep)).toEqual({ status: 413, code: "TC_ERR_CERT_TOO_COMPLEX" });
  });

  it("answers /api/health within 100 ms while the worst accepted upload is checked in full", async () => {
    const bytes = worstAccepted();
    // Accepted by the bounds, parsed whole, then refused for what it is: no telecal signature.
    const { result, samples } = await healthLatencies(server.url, upload(bytes));
    expect(result).toEqual({ status: 400, code: "TC_ERR_CERT_FORMAT" });
    expect(samples.length).toBeGreaterThanOrEqual(10);
    const bound = latencyBound(samples);
    expect(bound.slowOver100ms).toBeLessThanOrEqual(bound.allowedSlow);
    expect(bound.worst).toBeLessThan(1000);
  });

  it("checks one upload at a time per address (429 TC_ERR_CERT_CHECK_BUSY); another address is answered", async () => {
    // Two at once from one address: whichever arrives first is checked, the other refused.
    const bytes = worstAccepted();
    const both = await Promise.all([upload(bytes, "192.0.2.50"), upload(bytes, "192.0.2.50")]);
    expect(both).toEqual(expect.arrayContaining([{ status: 400, code: "TC_ERR_CERT_FORMAT" }, { status: 429, code: "TC_ERR_CERT_CHECK_BUSY" }]));
    // Two at once from two addresses: both checked (one after the other in the one thread).
    const apart = await Promise.all([upload(bytes, "192.0.2.51"), upload(bytes, "192.0.2.52")]);
    expect(apart).toEqual([{ status: 400, code: "TC_ERR_CERT_FORMAT" }, { status: 400, code: "TC_ERR_CERT_FORMAT" }]);
  });
});

describe("issue 22: a check over its time limit is ended, and the next one is answered", () => {
  let server: TelecalServer;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, certificateChecks: { timeoutMs: 50 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("413 TC_ERR_CERT_TOO_COMPLEX naming the limit, then a new thread answers", async () => {
    const post = (bytes: Buffer) => server.app.inject({ method: "POST", url: "/api/certificates/verify", headers: { "content-type": "application/xml" }, payload: bytes });
    const slow = await post(worstAccepted());
    expect([slow.statusCode, slow.json<{ code: string }>().code]).toEqual([413, "TC_ERR_CERT_TOO_COMPLEX"]);
    expect(slow.json<{ message: string }>().message).toContain("longer than 50 ms");
    // A new thread takes the next file. At 50 ms even a tiny file's first check in a cold thread can
    // run over on a loaded machine (and that thread is ended too), so it is asked until answered.
    const tiny = Buffer.from("<dcc:digitalCalibrationCertificate/>");
    await expect
      .poll(async () => {
        const next = await post(tiny);
        return [next.statusCode, next.json<{ code: string }>().code];
      }, { timeout: 60_000, interval: 10 })
      .toEqual([400, "TC_ERR_CERT_FORMAT"]);
  });
});
