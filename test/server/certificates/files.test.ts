import { existsSync } from "node:fs";
import { canonicalJson, type ErrorCode, isTelecalError } from "@telecal/protocols";
import { ephemeralSigningKey, formatNumber, issueFiles, reportedText, verifyCertificateFile, type CertificateFiles } from "@telecal/server";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateDataFor, PEOPLE, PROCEDURE_ROWS } from "./fixtures";
import { DCC_XSD, pdfText, xmllintErrors } from "./tools";

const BASE = "https://cert.example.org";
const key = ephemeralSigningKey();
const signer = { person: PEOPLE.approver, key };

function rejection(bytes: Buffer, name = "tampered"): ErrorCode | "accepted" {
  try {
    verifyCertificateFile(bytes, name);
    return "accepted";
  } catch (err) {
    if (isTelecalError(err)) return err.code;
    throw err;
  }
}

/** `bytes` with the first `from` after `after` replaced by `to` (same length: nothing else moves). */
function replaceOnce(bytes: Buffer, from: string, to: string, after = 0): Buffer {
  const at = bytes.indexOf(from, after, "utf8");
  expect(at, `${from} in the file`).toBeGreaterThanOrEqual(0);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(to, "utf8"), bytes.subarray(at + Buffer.byteLength(from))]);
}

describe("certificate files of the four shipped procedures", () => {
  it("the DCC schema is in the repository", () => {
    expect(existsSync(DCC_XSD), `${DCC_XSD}: PTB DCC 3.1.2 schema`).toBe(true);
  });

  for (const procedureId of Object.keys(PROCEDURE_ROWS)) {
    describe(procedureId, () => {
      const data = certificateDataFor(procedureId);
      let files: CertificateFiles;
      beforeAll(async () => {
        files = await issueFiles(data, signer, BASE);
      }, 60_000);

      it("the DCC validates against PTB DCC 3.1.2 with xmllint", () => {
        expect(xmllintErrors(files.dcc)).toBe("");
      });

      it("the DCC states every value and uncertainty as D-SI si:real with si:expandedUnc", () => {
        const xml = files.dcc.toString("utf8");
        for (const r of data.results) {
          expect(xml).toContain(`<si:value>${formatNumber(r.error)}</si:value>`);
          expect(xml).toContain(`<si:uncertainty>${formatNumber(r.U)}</si:uncertainty>`);
          expect(xml).toContain(`<si:coverageFactor>${formatNumber(r.k)}</si:coverageFactor>`);
          expect(xml).toContain(`<si:coverageProbability>${formatNumber(r.coverageProbability)}</si:coverageProbability>`);
        }
      });

      it("the Chinese PDF shows its heading, page numbers and the same values as the DCC", () => {
        const text = pdfText(files.pdf.zh);
        const heading = data.mode === "calibration" ? "校准证书" : data.results.every((r) => r.decision === "pass") ? "检定证书" : "检定结果通知书";
        expect(text).toContain(heading);
        expect(text.replace(/ /g, "")).toContain("第1页共2页");
        expect(text).toContain(data.number);
        for (const r of data.results) {
          expect(text).toContain(r.point);
          // Written out to U's last digit, each reading back as the DCC's number.
          const written = reportedText(r);
          expect(Number(written.indication)).toBe(r.indication);
          expect(Number(written.U)).toBe(r.U);
          expect(written.U).not.toMatch(/e/);
          expect(text).toContain(written.indication);
          expect(text).toContain(`${written.U} (k=${formatNumber(r.k)})`);
          // With its unit, Ω too (drawn as the ohm sign U+2126, which NFKC reads as Ω).
          expect(text.normalize("NFKC")).toContain(`${formatNumber(r.nominal)} ${r.unit}`);
        }
        // The coverage probability as people state it, not a long fraction.
        expect(text).toMatch(/包含概率约 9\d %/);
        expect(text).not.toMatch(/包含概率约 [^。]*\d\.\d{3}/);
        expect(text).toContain("王芳");
      });

      it("the English PDF comes from the same data", () => {
        const text = pdfText(files.pdf.en);
        expect(text).toMatch(/Calibration Certificate|Verification Certificate|Notice of Verification Result/);
        expect(text).toContain("Page 1 of 2");
        for (const r of data.results) expect(text).toContain(formatNumber(r.error));
      });

      it("telecal verification accepts the DCC and both PDFs", () => {
        expect(verifyCertificateFile(files.dcc, "c.xml").manifest.certificateId).toBe(data.id);
        expect(verifyCertificateFile(files.pdf.zh, "c.pdf").file).toBe("pdf");
        expect(verifyCertificateFile(files.pdf.en, "c.en.pdf").manifest.dccSha256).toBeDefined();
      });
    });
  }
});

describe("tampering", () => {
  let a: CertificateFiles;
  let b: CertificateFiles;
  beforeAll(async () => {
    a = await issueFiles(certificateDataFor("pressure-gauge-jjg52", "cert-a"), signer, BASE);
    b = await issueFiles(certificateDataFor("pressure-gauge-jjg52", "cert-b"), signer, BASE);
  }, 60_000);

  it("one digit changed in the DCC", () => {
    expect(rejection(replaceOnce(a.dcc, "<si:value>1640</si:value>", "<si:value>1641</si:value>"))).toBe("TC_ERR_CERT_DIGEST");
  });

  it("one byte changed anywhere in the PDF", () => {
    for (const at of [100, Math.floor(a.pdf.zh.length / 3), a.pdf.zh.length - 40]) {
      const copy = Buffer.from(a.pdf.zh);
      copy[at] = copy[at]! ^ 0x01;
      expect(rejection(copy), `byte ${at}`).not.toBe("accepted");
    }
  });

  it("a digit changed in the PDF's signature block itself", () => {
    expect(rejection(replaceOnce(a.pdf.zh, '"treeSize":12', '"treeSize":13'))).toBe("TC_ERR_CERT_SIGNATURE");
  });

  it("a byte changed in the parts of the signature blocks that the digest does not cover", () => {
    const pad = a.pdf.zh.indexOf("   \n", a.pdf.zh.indexOf('{"manifest":'));
    const tab = Buffer.from(a.pdf.zh);
    tab[pad] = 0x09;
    expect(rejection(tab)).toBe("TC_ERR_CERT_DIGEST");
    expect(rejection(replaceOnce(a.dcc, "<dcc:fileName>telecal-signature.json", "<dcc:fileName>telecal-signature.jsom"))).toBe("TC_ERR_CERT_DIGEST");
    expect(rejection(replaceOnce(a.dcc, "  <dcc:document>\n    <dcc:name>", "  <dcc:document>\n    <dcc:name >"))).toBe("TC_ERR_CERT_DIGEST");
  });

  it("an incremental update appended to the PDF", () => {
    const update = Buffer.from("\n1 0 obj\n<< /Title (forged) >>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 2 >>\nstartxref\n0\n%%EOF\n");
    expect(rejection(Buffer.concat([a.pdf.zh, update]))).toBe("TC_ERR_CERT_APPENDED");
  });

  it("data appended to the DCC", () => {
    expect(rejection(Buffer.concat([a.dcc, Buffer.from("<!-- forged -->\n")]))).toBe("TC_ERR_CERT_APPENDED");
  });

  it("a signature moved to other content", () => {
    const sigOf = (dcc: Buffer) => dcc.subarray(dcc.indexOf("  <dcc:document>"), dcc.indexOf("</dcc:document>\n") + 16);
    const moved = Buffer.concat([b.dcc.subarray(0, b.dcc.indexOf("  <dcc:document>")), sigOf(a.dcc), Buffer.from("</dcc:digitalCalibrationCertificate>\n")]);
    expect(rejection(moved)).toBe("TC_ERR_CERT_DIGEST");
    // The PDF's block into the other PDF, in the same place (both are the same size).
    const start = a.pdf.zh.indexOf('{"manifest":');
    const end = a.pdf.zh.indexOf("\n", start);
    const bStart = b.pdf.zh.indexOf('{"manifest":');
    const pdfMoved = Buffer.concat([b.pdf.zh.subarray(0, bStart), a.pdf.zh.subarray(start, end), b.pdf.zh.subarray(bStart + (end - start))]);
    expect(rejection(pdfMoved)).toBe("TC_ERR_CERT_DIGEST");
  });

  it("a PDF's manifest claiming another signer's key", () => {
    const other = ephemeralSigningKey();
    const start = a.pdf.zh.indexOf('{"manifest":');
    const end = a.pdf.zh.indexOf("\n", start);
    const block = JSON.parse(a.pdf.zh.subarray(start, end).toString("utf8").trimEnd()) as { manifest: { signer: { key: unknown } }; signature: string };
    block.manifest.signer.key = other.publicKey;
    const json = Buffer.from(canonicalJson(block), "utf8");
    const forged = Buffer.concat([json, Buffer.alloc(end - start - json.length, " ")]);
    expect(rejection(Buffer.concat([a.pdf.zh.subarray(0, start), forged, a.pdf.zh.subarray(end)]))).toBe("TC_ERR_CERT_SIGNATURE");
  });

  it("an XML with a DTD or an external entity is refused before parsing", () => {
    const withDoctype = (decl: string) => replaceOnce(a.dcc, "?>\n", `?>\n${decl}\n`);
    expect(rejection(withDoctype('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'))).toBe("TC_ERR_CERT_DOCTYPE");
    expect(rejection(withDoctype('<!doctype x SYSTEM "http://example.org/x.dtd">'))).toBe("TC_ERR_CERT_DOCTYPE");
    expect(rejection(withDoctype('<!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'))).toBe("TC_ERR_CERT_DOCTYPE");
  });

  it("files that are no certificate at all, without crashing", () => {
    expect(rejection(Buffer.from("hello"))).toBe("TC_ERR_CERT_FORMAT");
    expect(rejection(Buffer.from("<a><b></a>"))).toBe("TC_ERR_CERT_FORMAT");
    expect(rejection(Buffer.from("<?xml version=\"1.0\"?><x/>"))).toBe("TC_ERR_CERT_FORMAT");
    expect(rejection(Buffer.from("%PDF-1.3\n%%EOF\n"))).toBe("TC_ERR_CERT_FORMAT");
    expect(rejection(a.pdf.zh.subarray(0, a.pdf.zh.length - 10))).not.toBe("accepted");
    expect(rejection(Buffer.alloc(0))).toBe("TC_ERR_CERT_FORMAT");
  });

  it("a key that is not the approver's published key", () => {
    expect(() => verifyCertificateFile(a.dcc, "a.xml", { trustedKeys: [{ key: ephemeralSigningKey().publicKey }] })).toThrow(/TC_ERR_CERT_UNTRUSTED_KEY|not a known signing key/);
    expect(verifyCertificateFile(a.dcc, "a.xml", { trustedKeys: [{ key: key.publicKey }] }).file).toBe("dcc");
  });
});
