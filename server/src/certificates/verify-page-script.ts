/** Where the verify page's script is served: a file of its own, so that the page's CSP allows no inline script. */
export const VERIFY_SCRIPT_PATH = "/verify/check.js";

/** The drop zone's script: posts the file as it is to POST /api/certificates/verify and shows the answer. */
export const VERIFY_SCRIPT = `const drop = document.getElementById("drop"), input = document.getElementById("file"), out = document.getElementById("result");
async function check(file) {
  out.className = ""; out.textContent = "核验中 Checking…";
  const type = file.name.toLowerCase().endsWith(".pdf") ? "application/pdf" : "application/xml";
  const res = await fetch("/api/certificates/verify", { method: "POST", headers: { "content-type": type }, body: file });
  const body = await res.json();
  if (res.ok) {
    out.className = body.certificate.status === "valid" ? "ok" : "warn";
    const signer = body.certificate.kind === "training-certificate" ? "签发人密钥 unchanged, signed with the issuer's registered key " : "批准人密钥 unchanged, signed with the approver's registered key ";
    out.textContent = "✔ 真实 GENUINE: 文件未被篡改，签名密钥为本机构登记的" + signer + body.key.keyId + ": " + body.certificate.number + " (" + body.certificate.status + ")" +
      (body.key.revokedAt ? "; 该密钥已于 " + new Date(body.key.revokedAt).toISOString() + " 撤销（在签发之后）the key was revoked after this was signed" : "") +
      (body.results ? "; 结果已由 " + body.results.records + " 条原始记录复算一致 results recomputed from " + body.results.records + " raw records: the same (" + body.results.points + " points)" : "");
  }
  else { out.className = "bad"; out.textContent = "✘ 拒绝 REJECTED: " + body.code + ": " + body.message; }
}
drop.addEventListener("dragover", (e) => e.preventDefault());
drop.addEventListener("drop", (e) => { e.preventDefault(); if (e.dataTransfer.files[0]) check(e.dataTransfer.files[0]); });
input.addEventListener("change", () => { if (input.files[0]) check(input.files[0]); });
`;
