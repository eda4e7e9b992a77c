import { CertificateData, type ResultRow } from "@telecal/protocols";
import { ephemeralSigningKey, issueFiles, type CertificateFiles } from "@telecal/server";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateDataFor, PEOPLE } from "./fixtures";
import { pdfText, xmllintErrors } from "./tools";

const BASE = "https://cert.example.org";
const signer = { person: PEOPLE.approver, key: ephemeralSigningKey() };

/** The pressure gauge's 检定 with these points' decisions, asking for a 有效期至 (2027-11-29). */
function withDecisions(id: string, decisions: ResultRow["decision"][]): CertificateData {
  const base = certificateDataFor("pressure-gauge-jjg52", id);
  const row = base.results[0]!;
  return CertificateData.parse({ ...base, results: decisions.map((decision, i) => ({ ...row, point: `p-${i}`, decision })) });
}

describe("non-binary results on the 检定 files", () => {
  let conditional: CertificateFiles;
  let failing: CertificateFiles;
  let passing: CertificateFiles;
  beforeAll(async () => {
    conditional = await issueFiles(withDecisions("cert-cond", ["pass", "conditionalPass", "conditionalFail"]), signer, BASE);
    failing = await issueFiles(withDecisions("cert-fail", ["conditionalPass", "fail"]), signer, BASE);
    passing = await issueFiles(withDecisions("cert-pass", ["pass", "pass"]), signer, BASE);
  }, 60_000);

  it("the DCC writes conditionalPass and conditionalFail per point and overall, valid against DCC 3.1.2", () => {
    expect(xmllintErrors(conditional.dcc)).toBe("");
    const xml = conditional.dcc.toString("utf8");
    const conformities = [...xml.matchAll(/<dcc:conformity>(\w+)<\/dcc:conformity>/g)].map((m) => m[1]);
    // The overall statement comes first (administrative data), then one per point.
    expect(conformities).toEqual(["conditionalFail", "pass", "conditionalPass", "conditionalFail"]);
    expect(xml).toContain("检定结果待定");
    expect(xml).toContain('<dcc:content lang="zh">待定</dcc:content>');
    expect(xml).toContain("检定结果通知书");
    expect(xmllintErrors(failing.dcc)).toBe("");
    expect([...failing.dcc.toString("utf8").matchAll(/<dcc:conformity>(\w+)<\/dcc:conformity>/g)].map((m) => m[1])).toEqual(["fail", "conditionalPass", "fail"]);
  });

  it("the PDF prints 合格 / 待定 / 不合格 with English beside, and 检定结论 待定", () => {
    const zh = pdfText(conditional.pdf.zh);
    expect(zh).toContain("检定结果通知书");
    expect(zh).toContain("检定结论 Conclusion 待定 Undetermined");
    // The table's narrow column may wrap a word: compared without spaces.
    const cells = zh.replace(/ /g, "");
    expect(cells).toContain("p-0400hPa400.0402.02.01.4(k=2)±32合格pass");
    expect(cells).toContain("±32待定conditionalpass");
    expect(cells).toContain("±32待定conditionalfail");
    expect(pdfText(conditional.pdf.en).replace(/ /g, "")).toContain("conditionalfail");
    const fail = pdfText(failing.pdf.zh);
    expect(fail).toContain("检定结论 Conclusion 不合格 Fail");
    expect(fail).toContain("不合格 fail");
  });

  it("a 检定结果通知书 states no 有效期至, in the PDF or the DCC; a 检定证书 does", () => {
    for (const files of [conditional, failing]) {
      expect(pdfText(files.pdf.zh)).not.toContain("Valid until");
      expect(pdfText(files.pdf.en)).not.toContain("Valid until");
      expect(files.dcc.toString("utf8")).not.toContain("<dcc:date>2027-11-29</dcc:date>");
    }
    expect(pdfText(passing.pdf.zh)).toContain("有效期至 Valid until 2027-11-29");
    expect(passing.dcc.toString("utf8")).toContain("<dcc:date>2027-11-29</dcc:date>");
    expect(pdfText(passing.pdf.zh)).toContain("检定证书");
  });
});
