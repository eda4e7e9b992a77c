/**
 * Writes docs/examples/batch-signature.json, the worked example of docs/protocol.md "Batch
 * signature": run `npx tsx test/protocols/make-batch-signature-example.ts` after a change of the
 * signed form. batch-signature-example.test.ts checks the file against the project's code.
 */
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BATCH_SIGNATURE_DOMAIN, batchSigningBytes, canonicalJson, type ReadingBatch } from "@telecal/protocols";

/** RFC 8032 section 7.1, test 1: a published key, so that nobody can mistake it for a real one. */
export const EXAMPLE_SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

/** PKCS#8 DER of an Ed25519 private key is this prefix and the 32-byte seed. */
const PKCS8_PREFIX = "302e020100300506032b657004220420";

export function exampleKeyFromSeed(seedHex: string) {
  const privateKey = createPrivateKey({ key: Buffer.from(PKCS8_PREFIX + seedHex, "hex"), format: "der", type: "pkcs8" });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Chosen to show every rule that bites: a sub-ms time, a null, a negative exponent, flags. */
const BATCH: Omit<ReadingBatch, "signature"> = {
  streamId: "dmm1.dcv",
  instrumentId: "dmm1",
  firstSeq: 41,
  t: [1795000000000, 1795000000100.25, 1795000000200.5],
  values: [10.000012, null, -1.5e-7],
  flags: [0, 1, 2],
  unit: "V",
  clock: { offsetMs: -2.514, uncertaintyMs: 6.842 },
  historical: false,
};

function main(): void {
  const { privateKey, publicKey } = exampleKeyFromSeed(EXAMPLE_SEED_HEX);
  const bytes = Buffer.from(batchSigningBytes(BATCH));
  const signature = sign(null, bytes, privateKey).toString("base64");
  const spki = publicKey.export({ type: "spki", format: "der" });
  const example = {
    warning: "EXAMPLE ONLY. This key is the published RFC 8032 test key 1: never enrol an agent with it.",
    key: {
      algorithm: "Ed25519",
      privateKeySeedHex: EXAMPLE_SEED_HEX,
      privateKeyPkcs8Pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKeyHex: spki.subarray(spki.length - 32).toString("hex"),
      publicKeySpkiPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    },
    batch: BATCH,
    domain: BATCH_SIGNATURE_DOMAIN,
    canonicalJson: canonicalJson(BATCH),
    signedText: bytes.toString("utf8"),
    signedBytesHex: bytes.toString("hex"),
    signature,
    sentBatch: { ...BATCH, signature },
  };
  const out = fileURLToPath(new URL("../../docs/examples/batch-signature.json", import.meta.url));
  writeFileSync(out, `${JSON.stringify(example, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
