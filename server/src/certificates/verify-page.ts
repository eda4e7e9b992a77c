import type { CalibrationCertificateSummary, CertificateData, ErrorBody, PublishedSignerKey, TrainingCertificateData, TrainingCertificateSummary } from "@telecal/protocols";
import { xmlEscape as h } from "./dcc";
import { conclusionOf, DECISION_TEXT } from "./conformity";
import { DOCUMENT_TITLE } from "./document-kind";
import { formatNumber, reportedText } from "./reported-values";
import { trainingVerifyPage } from "./training-verify-page";
import { downloadLinks, DROP, page, signerText, STATUS } from "./verify-page-frame";

/** A point's decision as the page writes it: 合格 Pass, 待定 Conditional pass, ... */
function decisionText(d: NonNullable<CertificateData["results"][number]["decision"]>): string {
  const { zh, en } = DECISION_TEXT[d];
  return `${zh} ${en.charAt(0).toUpperCase()}${en.slice(1)}`;
}

/** The rows as the certificate states them: what the holder compares with the paper, line by line. */
function resultsTable(data: CertificateData): string {
  const verification = data.mode === "verification";
  const head = ["测量点 Point", "标称值 Nominal", "标准值 Reference", "示值 Indication", "误差 Error", "U", "k", ...(verification ? ["最大允许误差 MPE", "结论 Decision"] : [])];
  const rows = data.results.map((r) => {
    const t = reportedText(r);
    const cells = [h(r.point), `${formatNumber(r.nominal)} ${h(r.unit)}`, t.reference, t.indication, t.error, t.U, formatNumber(r.k), ...(verification ? [r.mpe === undefined ? "" : `±${formatNumber(r.mpe)}`, r.decision ? decisionText(r.decision) : ""] : [])];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<div class="scroll"><table id="results"><tr>${head.map((c) => `<th>${c}</th>`).join("")}</tr>${rows.join("")}</table></div>`;
}

/** 检定: pass only when every point passes, fail when any fails, else 待定 (a notice in both cases); 校准: values with U, no verdict. */
function conclusion(data: CertificateData): string {
  if (data.mode === "calibration") return "校准：给出测量结果及其扩展不确定度，不作合格判定 Calibration: values with their expanded uncertainty, no conformity statement";
  const c = conclusionOf(data.results);
  if (c.conformity === "pass") return "检定合格 Conforms (all points pass)";
  return c.conformity === "fail" ? "检定不合格 Does not conform (a point fails)" : "检定结果待定 Undetermined (a point is conditional, none fails)";
}

function validity(kind: CalibrationCertificateSummary["kind"], data: CertificateData): string {
  if (kind === "verification-failure-notice") return "— (检定结果通知书不给有效期 a notice of verification result states none)";
  return data.dates.validUntil ? h(data.dates.validUntil) : "— (校准证书不给有效期 a calibration certificate states none)";
}

export type VerifyPageData = ({ summary: CalibrationCertificateSummary; data: CertificateData } | { summary: TrainingCertificateSummary; data: TrainingCertificateData }) & {
  signerKey: PublishedSignerKey | undefined;
  /** The files kept as issued: "dcc", "pdf", "pdf-en". */
  files: string[];
};

/** GET /verify/:id: what a certificate (or a 培训证明) says and its status, for anyone, no sign-in (the QR code's target). */
export function verifyPage(shown: VerifyPageData): string {
  if (shown.summary.kind === "training-certificate") return trainingVerifyPage(shown.summary, shown.data as TrainingCertificateData, shown.signerKey, shown.files);
  return calibrationPage(shown.summary, shown.data as CertificateData, shown.signerKey, shown.files);
}

function calibrationPage(c: CalibrationCertificateSummary, data: CertificateData, signerKey: PublishedSignerKey | undefined, files: string[]): string {
  const s = STATUS[c.status];
  const title = DOCUMENT_TITLE[c.kind];
  const rows: [string, string][] = [
    ["证书编号 Certificate No.", h(c.number)],
    ["文书 Document", `${h(title.zh)} ${h(title.en)}`],
    ["签发单位 Laboratory", `${h(c.lab.zh)}<br>${h(c.lab.en)}`],
    ["委托单位 Customer", h(c.customer)],
    ["器具 Item", `${h(c.item.name.zh)} ${h(c.item.name.en)}`],
    ["制造商 / 型号 Maker / model", `${h(c.item.maker)} ${h(c.item.model)}`],
    ["出厂编号 Serial", `<span id="serial">${h(c.item.serial)}</span>`],
    ["依据 Method", `${h(data.method.code)} ${h(data.method.title)}`],
    ["校准日期 Performed", h(data.dates.performed)],
    ["签发日期 Issued", h(c.issuedOn)],
    ["结论 Conclusion", `<span id="conclusion">${conclusion(data)}</span>`],
    ["有效期至 Valid until", validity(c.kind, data)],
    ["批准人 Approved by", signerText(data.people.approver.name, signerKey)],
    ["DCC SHA-256", `<code>${c.dccSha256}</code>`],
    ["PDF SHA-256", `<code>${c.pdfSha256}</code>`],
  ];
  if (c.replaces) rows.push(["替代 Replaces", `<a href="/verify/${encodeURIComponent(c.replaces)}">${h(c.replaces)}</a>`]);
  if (c.replacedBy) rows.push(["已被替代为 Replaced by", `<a id="replaced-by" href="/verify/${encodeURIComponent(c.replacedBy)}">${h(c.replacedBy)}</a>`]);
  if (c.revoked) rows.push(["撤销 Revoked", `${new Date(c.revoked.at).toISOString()}: ${h(c.revoked.reason)}`]);
  const downloads = downloadLinks(c.id, files);
  return page(
    `${c.number} ${s.en}`,
    `<h1>证书核验 Certificate verification</h1>
<p class="status" style="color:${s.colour}" data-status="${c.status}">${s.zh} ${s.en}</p>
<p>请逐项核对纸质证书 Compare every line with the paper copy:</p>
<table id="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>
<h2>结果 Results</h2>${resultsTable(data)}${downloads}${DROP}`,
  );
}

/** GET /verify: where a holder without the QR code enters the number printed, or drops the file. */
export function verifyLandingPage(): string {
  return page("证书核验 Certificate verification", `<h1>证书核验 Certificate verification</h1><p>证书、检定结果通知书与培训证明 Certificates, notices and training certificates of this server</p>${DROP}`);
}

export function verifyErrorPage(e: ErrorBody): string {
  return page("证书核验 Certificate verification", `<h1>证书核验 Certificate verification</h1><p class="status bad">${h(e.code)}</p><p>${h(e.message)}</p>${DROP}`);
}
