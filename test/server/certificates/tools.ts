import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireTool } from "../../peers/require-tool";

/** PTB's DCC 3.1.2 schema, an unchanged copy in the repository (its README says whence and its licence). */
export const DCC_XSD = fileURLToPath(new URL("../../fixtures/schemas/dcc-3.1.2/dcc.xsd", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "telecal-cert-"));
let n = 0;

/** Runs `xmllint --noout --nonet --schema dcc.xsd` on the bytes; "" when valid, else what xmllint said. */
export function xmllintErrors(xml: Buffer): string {
  const xmllint = requireTool("xmllint");
  const file = join(dir, `dcc-${n++}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync(xmllint, ["--noout", "--nonet", "--schema", DCC_XSD, file], { encoding: "utf8" });
  return r.status === 0 ? "" : `${r.stderr}${r.stdout}`;
}

/** The PDF's text as pdftotext (poppler-utils) reads it, whitespace runs made one space. */
export function pdfText(pdf: Buffer): string {
  const pdftotext = requireTool("pdftotext");
  const file = join(dir, `cert-${n++}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync(pdftotext, ["-layout", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}
