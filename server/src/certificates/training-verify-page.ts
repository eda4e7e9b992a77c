import type { PublishedSignerKey, TrainingCertificateData, TrainingCertificateSummary } from "@telecal/protocols";
import { xmlEscape as h } from "./dcc";
import { DOCUMENT_TITLE } from "./document-kind";
import { utcMinute } from "./training-pdf";
import { downloadLinks, DROP, page, signerText, STATUS } from "./verify-page-frame";

/** GET /verify/:id of a 培训证明: what the holder compares with the paper, line by line, and its status. */
export function trainingVerifyPage(c: TrainingCertificateSummary, data: TrainingCertificateData, signerKey: PublishedSignerKey | undefined, files: string[]): string {
  const s = STATUS[c.status];
  const title = DOCUMENT_TITLE[c.kind];
  const { standing: st, criteria } = data;
  const rows: [string, string][] = [
    ["证书编号 Certificate No.", h(c.number)],
    ["文书 Document", `${h(title.zh)} ${h(title.en)}`],
    ["学员 Trainee", `<span id="trainee">${h(data.trainee.name)}</span> (${h(data.trainee.username)})`],
    ["培训课程 Course", h(data.course.title)],
    ["培训单位 Organisation", h(data.organisation.name)],
    ["出勤率 Presence", `${st.presencePercent} %`],
    ["测验得分 Quiz score", `${st.score} / ${st.maxScore}${st.scorePercent === null ? "" : ` (${st.scorePercent} %)`}`],
    ["结业要求 Requirements", `出勤率 presence ≥ ${criteria.presencePercent} %, 得分率 score ≥ ${criteria.scorePercent} %`],
    ["签发日期 Issued", h(c.issuedOn)],
    ["签发人 Issued by", signerText(data.issuer.name, signerKey)],
    ["PDF SHA-256", `<code>${c.pdfSha256}</code>`],
  ];
  if (c.revoked) rows.push(["撤销 Revoked", `${new Date(c.revoked.at).toISOString()}: ${h(c.revoked.reason)}`]);
  const lessons = data.lessons.map((l) => `<tr><td>${h(l.title)}</td><td>${utcMinute(l.startsAt)}</td><td>${utcMinute(l.endsAt)}</td><td>${l.presencePercent} %</td></tr>`);
  return page(
    `${c.number} ${s.en}`,
    `<h1>证书核验 Certificate verification</h1>
<p class="status" style="color:${s.colour}" data-status="${c.status}">${s.zh} ${s.en}</p>
<p>请逐项核对纸质证明 Compare every line with the paper copy:</p>
<table id="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>
<h2>课程与出勤 Lessons and presence</h2><div class="scroll"><table id="lessons"><tr><th>课次 Lesson</th><th>开始 Starts (UTC)</th><th>结束 Ends (UTC)</th><th>出勤率 Presence</th></tr>${lessons.join("")}</table></div>${downloadLinks(c.id, files)}${DROP}`,
  );
}
