import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { isTelecalError, TelecalError } from "@telecal/protocols";
import { verifyCertificateFile } from "@telecal/server";
import type { Command } from "commander";
import type { CliIo } from "../run-cli";
import { EXIT, unproven, verifyAtServer, verifyAtStore, type VerifyOptions, verifyPinned } from "./cert-verify";
import { certKeyCommand } from "./cert-keys";

function reject(io: CliIo, file: string, code: string, message: string): void {
  io.stderr(`telecal cert verify: 拒绝 REJECTED: ${file}: ${code}: ${message}\n`);
  io.exitCode = EXIT.rejected;
}

export function certCommand(program: Command, io: CliIo): void {
  const cert = program.command("cert").description("certificates: verify a PDF or DCC, manage signing keys / 证书核验, 签名密钥");
  cert
    .command("verify <file>")
    .description(
      "check a certificate PDF or DCC XML: structure, appended data, digest, approver's signature, and whether the signer's key is proven. " +
        "Exit 0 genuine, 1 rejected (with the reason), 3 genuine but amended or revoked, 4 unproven (signature valid, key not proven)",
    )
    .option("--server <url>", "the issuing server proves the key and says the status (valid, amended, revoked)")
    .option("--keys <file>", "pin the approvers' keys: the server's /.well-known/telecal-keys.json, the JSON of GET /api/certificates/keys, or a PEM public key")
    .option("--data-dir <dir>", "the issuer's data dir (telecal.db): its registered keys, its certificates and record log")
    .option("--database <url>", "the same on postgres://...")
    .action(async (path: string, opts: VerifyOptions) => {
      const file = basename(path);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        return reject(io, file, "TC_ERR_CERT_FORMAT", `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        const checked = verifyCertificateFile(bytes, file);
        // Each source that can prove the key is asked; the first refusal rejects.
        if (opts.keys) verifyPinned(io, file, checked, opts.keys);
        if (opts.dataDir || opts.database) await verifyAtStore(io, file, checked, opts);
        if (opts.server) {
          const refused = await verifyAtServer(io, opts.server, file, checked, bytes);
          if (refused) return reject(io, file, refused.code, refused.message);
        }
        if (!opts.keys && !opts.dataDir && !opts.database && !opts.server) unproven(io, file, checked);
      } catch (err) {
        if (isTelecalError(err)) return reject(io, file, err.code, err.message);
        const e = new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: err instanceof Error ? err.message : String(err) });
        return reject(io, file, e.code, e.message);
      }
    });
  certKeyCommand(cert);
}
