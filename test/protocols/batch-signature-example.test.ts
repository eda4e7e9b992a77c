import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { BATCH_SIGNATURE_DOMAIN, batchSigningBytes, canonicalJson, ReadingBatch } from "@telecal/protocols";
import { describe, expect, it } from "vitest";

/** The worked example of docs/protocol.md "Batch signature", as a third party reads it. */
interface Example {
  warning: string;
  key: { algorithm: string; privateKeySeedHex: string; privateKeyPkcs8Pem: string; publicKeyHex: string; publicKeySpkiPem: string };
  batch: Omit<ReadingBatch, "signature">;
  domain: string;
  canonicalJson: string;
  signedText: string;
  signedBytesHex: string;
  signature: string;
  sentBatch: ReadingBatch;
}

const example = JSON.parse(readFileSync(new URL("../../docs/examples/batch-signature.json", import.meta.url), "utf8")) as Example;

describe("docs/examples/batch-signature.json", () => {
  it("is marked as an example key", () => {
    expect(example.warning).toMatch(/^EXAMPLE ONLY/);
    expect(example.key.algorithm).toBe("Ed25519");
  });

  it("holds the canonical JSON and the exact signed bytes the project's code computes", () => {
    expect(canonicalJson(example.batch)).toBe(example.canonicalJson);
    expect(example.domain).toBe(BATCH_SIGNATURE_DOMAIN);
    expect(example.signedText).toBe(BATCH_SIGNATURE_DOMAIN + example.canonicalJson);
    const bytes = Buffer.from(batchSigningBytes(example.batch));
    expect(bytes.toString("hex")).toBe(example.signedBytesHex);
    expect(Buffer.from(example.signedText, "utf8").toString("hex")).toBe(example.signedBytesHex);
  });

  it("its key is the seed it names, in PKCS#8 and SPKI", () => {
    const privateKey = createPrivateKey(example.key.privateKeyPkcs8Pem);
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    expect(der.subarray(der.length - 32).toString("hex")).toBe(example.key.privateKeySeedHex);
    const spki = createPublicKey(example.key.publicKeySpkiPem).export({ type: "spki", format: "der" });
    expect(spki.subarray(spki.length - 32).toString("hex")).toBe(example.key.publicKeyHex);
    expect(createPublicKey(privateKey).export({ type: "spki", format: "pem" })).toBe(example.key.publicKeySpkiPem);
  });

  it("holds the signature the key makes (Ed25519 is deterministic), and it verifies with the public key", () => {
    const bytes = Buffer.from(example.signedBytesHex, "hex");
    const privateKey = createPrivateKey(example.key.privateKeyPkcs8Pem);
    expect(sign(null, bytes, privateKey).toString("base64")).toBe(example.signature);
    const publicKey = createPublicKey(example.key.publicKeySpkiPem);
    expect(verify(null, bytes, publicKey, Buffer.from(example.signature, "base64"))).toBe(true);
    // A signature that verified anything would prove nothing: a changed reading must fail.
    const changed = batchSigningBytes({ ...example.batch, values: [10.000013, null, -1.5e-7] });
    expect(verify(null, changed, publicKey, Buffer.from(example.signature, "base64"))).toBe(false);
  });

  it("the batch as sent is a valid ReadingBatch whose signature covers it", () => {
    const parsed = ReadingBatch.parse(example.sentBatch);
    expect(parsed.signature).toBe(example.signature);
    expect(Buffer.from(batchSigningBytes(parsed)).toString("hex")).toBe(example.signedBytesHex);
  });
});
