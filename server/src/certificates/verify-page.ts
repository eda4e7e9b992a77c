import type { CertificateSummary, ErrorBody } from "@telecal/protocols";
import { xmlEscape as h } from "./dcc";
import { DOCUMENT_TITLE } from "./document-kind";

const STATUS = {
  valid: { zh: "有效", en: "Valid", colour: "#1a7f37" },
  amended: { zh: "已被替代", en: "Amended (replaced)", colour: "#9a6700" },
  revoked: { zh: "已撤销", en: "Revoked", colour: "#cf222e" },
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>body{font-family:system-ui,"Noto Sans SC",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
.status{font-size:1.4rem;font-weight:700}#drop{border:2px dashed #8c959f;border-radius:8px;padding:1.5rem;text-align:center;margin-top:1.5rem}
#result{margin-top:1rem;font-weight:600}.ok{color:#1a7f37}.bad{color:#cf222e}code{word-break:break-all}</style></head>
<body>${body}</body></html>`;
}

/** The drop zone: posts the file as it is to POST /api/certificates/verify and shows the answer. */
const DROP = `<div id="drop"><p>将证书 PDF 或 DCC XML 文件拖放到此处核验 / Drop the certificate PDF or DCC XML here to check it</p>
<input type="file" id="file" accept=".pdf,.xml,application/pdf,application/xml"></div><div id="result" role="status"></div>
<script>
const drop = document.getElementById("drop"), input = document.getElementById("file"), out = document.getElementById("result");
async function check(file) {
  out.className = ""; out.textContent = "核验中 Checking…";
  const type = file.name.toLowerCase().endsWith(".pdf") ? "application/pdf" : "application/xml";
  const res = await fetch("/api/certificates/verify", { method: "POST", headers: { "content-type": type }, body: file });
  const body = await res.json();
  if (res.ok) {
    out.className = "ok";
    out.textContent = "✔ 文件真实未被篡改 Genuine and unchanged: " + body.certificate.number + " (" + body.certificate.status + ")" +
      (body.results ? "; 结果已由 " + body.results.records + " 条原始记录复算一致 results recomputed from " + body.results.records + " raw records: the same (" + body.results.points + " points)" : "");
  }
  else { out.className = "bad"; out.textContent = "✘ " + body.code + ": " + body.message; }
}
drop.addEventListener("dragover", (e) => e.preventDefault());
drop.addEventListener("drop", (e) => { e.preventDefault(); if (e.dataTransfer.files[0]) check(e.dataTransfer.files[0]); });
input.addEventListener("change", () => { if (input.files[0]) check(input.files[0]); });
</script>`;

/** GET /verify/:id: a certificate's status and key data for anyone, no sign-in (the QR code's target). */
export function verifyPage(c: CertificateSummary): string {
  const s = STATUS[c.status];
  const title = DOCUMENT_TITLE[c.kind];
  const rows: [string, string][] = [
    ["证书编号 Certificate No.", h(c.number)],
    ["文书 Document", `${h(title.zh)} ${h(title.en)}`],
    ["签发单位 Laboratory", `${h(c.lab.zh)}<br>${h(c.lab.en)}`],
    ["委托单位 Customer", h(c.customer)],
    ["器具 Item", `${h(c.item.name.zh)} ${h(c.item.name.en)}, ${h(c.item.maker)} ${h(c.item.model)}, ${h(c.item.serial)}`],
    ["签发日期 Issued", h(c.issuedOn)],
    ["批准人 Approved by", h(c.approver)],
    ["DCC SHA-256", `<code>${c.dccSha256}</code>`],
    ["PDF SHA-256", `<code>${c.pdfSha256}</code>`],
  ];
  if (c.replaces) rows.push(["替代 Replaces", `<a href="/verify/${encodeURIComponent(c.replaces)}">${h(c.replaces)}</a>`]);
  if (c.replacedBy) rows.push(["已被替代为 Replaced by", `<a href="/verify/${encodeURIComponent(c.replacedBy)}">${h(c.replacedBy)}</a>`]);
  if (c.revoked) rows.push(["撤销 Revoked", `${new Date(c.revoked.at).toISOString()}: ${h(c.revoked.reason)}`]);
  return page(
    `${c.number} ${s.en}`,
    `<h1>证书核验 Certificate verification</h1>
<p class="status" style="color:${s.colour}" data-status="${c.status}">${s.zh} ${s.en}</p>
<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>${DROP}`,
  );
}

export function verifyErrorPage(e: ErrorBody): string {
  return page("证书核验 Certificate verification", `<h1>证书核验 Certificate verification</h1><p class="status bad">${h(e.code)}</p><p>${h(e.message)}</p>${DROP}`);
}
