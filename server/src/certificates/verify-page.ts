import type { CertificateData, CertificateSummary, ErrorBody, PublishedSignerKey } from "@telecal/protocols";
import { xmlEscape as h } from "./dcc";
import { DOCUMENT_TITLE } from "./document-kind";
import { formatNumber, reportedText } from "./reported-values";
import { VERIFY_SCRIPT_PATH } from "./verify-page-script";

const STATUS = {
  valid: { zh: "有效", en: "Valid", colour: "#1a7f37" },
  amended: { zh: "已被替代", en: "Amended (replaced)", colour: "#9a6700" },
  revoked: { zh: "已撤销", en: "Revoked", colour: "#cf222e" },
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>body{font-family:system-ui,"Noto Sans SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
#results td{font-variant-numeric:tabular-nums;white-space:nowrap}.scroll{overflow-x:auto}
.status{font-size:1.4rem;font-weight:700}#drop{border:2px dashed #8c959f;border-radius:8px;padding:1.5rem;text-align:center;margin-top:1.5rem}
#result{margin-top:1rem;font-weight:600}.ok{color:#1a7f37}.bad{color:#cf222e}.warn{color:#9a6700}code{word-break:break-all}</style></head>
<body>${body}</body></html>`;
}

/** The drop zone: posts the file as it is to POST /api/certificates/verify and shows the answer. */
const DROP = `<div id="drop"><p>将证书 PDF 或 DCC XML 文件拖放到此处核验 / Drop the certificate PDF or DCC XML here to check it</p>
<input type="file" id="file" accept=".pdf,.xml,application/pdf,application/xml"></div><div id="result" role="status"></div>
<script src="${VERIFY_SCRIPT_PATH}" defer></script>`;

const DECISION = { pass: "合格 Pass", fail: "不合格 Fail" } as const;

/** The rows as the certificate states them: what the holder compares with the paper, line by line. */
function resultsTable(data: CertificateData): string {
  const verification = data.mode === "verification";
  const head = ["测量点 Point", "标称值 Nominal", "标准值 Reference", "示值 Indication", "误差 Error", "U", "k", ...(verification ? ["最大允许误差 MPE", "结论 Decision"] : [])];
  const rows = data.results.map((r) => {
    const t = reportedText(r);
    const cells = [h(r.point), `${formatNumber(r.nominal)} ${h(r.unit)}`, t.reference, t.indication, t.error, t.U, formatNumber(r.k), ...(verification ? [r.mpe === undefined ? "" : `±${formatNumber(r.mpe)}`, r.decision ? DECISION[r.decision] : ""] : [])];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<div class="scroll"><table id="results"><tr>${head.map((c) => `<th>${c}</th>`).join("")}</tr>${rows.join("")}</table></div>`;
}

/** 检定: pass only when every point passes (a notice of failure otherwise); 校准: values with U, no verdict. */
function conclusion(data: CertificateData): string {
  if (data.mode === "calibration") return "校准：给出测量结果及其扩展不确定度，不作合格判定 Calibration: values with their expanded uncertainty, no conformity statement";
  return data.results.every((r) => r.decision === "pass") ? "检定合格 Conforms (all points pass)" : "检定不合格 Does not conform (a point fails)";
}

function signerText(data: CertificateData, key: PublishedSignerKey | undefined): string {
  const name = h(data.people.approver.name);
  if (!key) return name;
  const revoked = key.revokedAt === null ? "" : `; 密钥已于 ${new Date(key.revokedAt).toISOString()} 撤销 key revoked at that time (this certificate was issued before)`;
  return `${name}, 签名密钥 signing key <code>${h(key.key.keyId)}</code>${revoked}`;
}

export interface VerifyPageData {
  summary: CertificateSummary;
  data: CertificateData;
  signerKey: PublishedSignerKey | undefined;
  /** The files kept as issued: "dcc", "pdf", "pdf-en". */
  files: string[];
}

const FILE_LABEL: Record<string, string> = { pdf: "证书 PDF (中文)", "pdf-en": "Certificate PDF (English)", dcc: "DCC XML" };

/** GET /verify/:id: what a certificate says and its status, for anyone, no sign-in (the QR code's target). */
export function verifyPage({ summary: c, data, signerKey, files }: VerifyPageData): string {
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
    ["有效期至 Valid until", data.dates.validUntil ? h(data.dates.validUntil) : "— (校准证书不给有效期 a calibration certificate states none)"],
    ["批准人 Approved by", signerText(data, signerKey)],
    ["DCC SHA-256", `<code>${c.dccSha256}</code>`],
    ["PDF SHA-256", `<code>${c.pdfSha256}</code>`],
  ];
  if (c.replaces) rows.push(["替代 Replaces", `<a href="/verify/${encodeURIComponent(c.replaces)}">${h(c.replaces)}</a>`]);
  if (c.replacedBy) rows.push(["已被替代为 Replaced by", `<a id="replaced-by" href="/verify/${encodeURIComponent(c.replacedBy)}">${h(c.replacedBy)}</a>`]);
  if (c.revoked) rows.push(["撤销 Revoked", `${new Date(c.revoked.at).toISOString()}: ${h(c.revoked.reason)}`]);
  const id = encodeURIComponent(c.id);
  const downloads = files.length
    ? `<p id="downloads">下载真实文件 Download the genuine files: ${files.map((f) => `<a href="/api/certificates/${id}/files/${f}" download>${FILE_LABEL[f] ?? f}</a>`).join(" · ")}</p>`
    : "";
  return page(
    `${c.number} ${s.en}`,
    `<h1>证书核验 Certificate verification</h1>
<p class="status" style="color:${s.colour}" data-status="${c.status}">${s.zh} ${s.en}</p>
<p>请逐项核对纸质证书 Compare every line with the paper copy:</p>
<table id="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>
<h2>结果 Results</h2>${resultsTable(data)}${downloads}${DROP}`,
  );
}

export function verifyErrorPage(e: ErrorBody): string {
  return page("证书核验 Certificate verification", `<h1>证书核验 Certificate verification</h1><p class="status bad">${h(e.code)}</p><p>${h(e.message)}</p>${DROP}`);
}
