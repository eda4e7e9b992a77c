import type { PublishedSignerKey } from "@telecal/protocols";
import { xmlEscape as h } from "./dcc";
import { VERIFY_SCRIPT_PATH } from "./verify-page-script";

/** What every verify page shares, whatever the document: the frame, the status, the signer, the downloads, the drop zone. */

export const STATUS = {
  valid: { zh: "有效", en: "Valid", colour: "#1a7f37" },
  amended: { zh: "已被替代", en: "Amended (replaced)", colour: "#9a6700" },
  revoked: { zh: "已撤销", en: "Revoked", colour: "#cf222e" },
} as const;

export function page(title: string, body: string): string {
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

/** The drop zone (posts the file as it is to POST /api/certificates/verify and shows the answer), and the look-up by number. */
export const DROP = `<div id="drop"><p>将证书 PDF 或 DCC XML 文件拖放到此处核验 / Drop the certificate PDF or DCC XML here to check it</p>
<input type="file" id="file" accept=".pdf,.xml,application/pdf,application/xml"></div><div id="result" role="status"></div>
<script src="${VERIFY_SCRIPT_PATH}" defer></script>
<form id="by-number" method="get" action="/verify"><label>或输入证书编号查询 Or enter the certificate number: <input name="number" required maxlength="64" placeholder="TC-2026-000001"></label> <button type="submit">查询 Look up</button></form>`;

/** The signer and the key that signed, and when that key was revoked if it was. */
export function signerText(signer: string, key: PublishedSignerKey | undefined): string {
  const name = h(signer);
  if (!key) return name;
  const revoked = key.revokedAt === null ? "" : `; 密钥已于 ${new Date(key.revokedAt).toISOString()} 撤销 key revoked at that time (this certificate was issued before)`;
  return `${name}, 签名密钥 signing key <code>${h(key.key.keyId)}</code>${revoked}`;
}

const FILE_LABEL: Record<string, string> = { pdf: "证书 PDF (中文)", "pdf-en": "Certificate PDF (English)", dcc: "DCC XML" };

/** Links to the files as issued, by their names: "dcc", "pdf", "pdf-en". */
export function downloadLinks(id: string, files: string[]): string {
  const path = encodeURIComponent(id);
  return files.length
    ? `<p id="downloads">下载真实文件 Download the genuine files: ${files.map((f) => `<a href="/api/certificates/${path}/files/${f}" download>${FILE_LABEL[f] ?? f}</a>`).join(" · ")}</p>`
    : "";
}
