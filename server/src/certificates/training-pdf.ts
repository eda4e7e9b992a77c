import type { TrainingCertificateData } from "@telecal/protocols";
import { DOCUMENT_TITLE } from "./document-kind";
import { cjkFonts } from "./font";
import { fieldRows, FOOTER, heading, MARGIN, table } from "./pdf-layout";
import { label, pageFooters, pdfBytes, pdfLibraries, type PdfLanguage, verifyQr } from "./pdf-parts";
import { attachSignatureSpace } from "./pdf-signature-space";

export interface TrainingPdfOptions {
  lang: PdfLanguage;
  /** <public base URL>/verify/<id>: the QR code's target. */
  verifyUrl: string;
  /** Bytes kept for the signature block (pdf-seal.ts). */
  signatureSpace: number;
}

/** UTC, to the minute: "2026-12-07 09:30". */
export const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

function scoreText(data: TrainingCertificateData): string {
  const s = data.standing;
  return s.scorePercent === null ? `${s.score} / ${s.maxScore}` : `${s.score} / ${s.maxScore} (${s.scorePercent} %)`;
}

/** The sentence that certifies, in the document's language. */
function statement(data: TrainingCertificateData, lang: PdfLanguage): string {
  const { trainee, course, organisation, standing: s, criteria: c } = data;
  return lang === "zh"
    ? `兹证明 ${trainee.name} 参加了 ${organisation.name} 举办的培训课程《${course.title}》，共 ${data.lessons.length} 次课，出勤率 ${s.presencePercent} %，测验得分 ${scoreText(data)}，达到本课程的结业要求（出勤率不低于 ${c.presencePercent} %，测验得分率不低于 ${c.scorePercent} %），特发此证。`
    : `This is to certify that ${trainee.name} attended the training course "${course.title}" held by ${organisation.name}, ${data.lessons.length} lessons, with a presence of ${s.presencePercent} % and a quiz score of ${scoreText(data)}, and met the course's requirements (presence at least ${c.presencePercent} %, score at least ${c.scorePercent} %).`;
}

/**
 * Renders a 培训证明: cover page with the statement, the key data and the QR code, then the lessons
 * with the trainee's presence in each; "第 x 页 共 y 页" on every page and a signature block attached,
 * filled afterwards without moving a byte (pdf-seal.ts), as a calibration certificate's is.
 */
export async function renderTrainingPdf(data: TrainingCertificateData, options: TrainingPdfOptions): Promise<Buffer> {
  const { lang } = options;
  const title = DOCUMENT_TITLE["training-certificate"];
  const { PDFDocument, QRCode } = await pdfLibraries();
  const fonts = cjkFonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `${title[lang]} ${data.number}`, Author: data.organisation.name, Subject: data.course.title, Creator: "telecal", CreationDate: new Date(`${data.dates.issued}T00:00:00Z`) },
    lang: lang === "zh" ? "zh-CN" : "en",
  });
  const bytes = pdfBytes(doc);
  doc.registerFont("cjk", fonts.regular);
  doc.registerFont("cjk-bold", fonts.bold);
  doc.registerFont("symbols", fonts.symbols);
  const width = doc.page.width - 2 * MARGIN;

  doc.font("cjk-bold").fontSize(14).text(data.organisation.name, { align: "center" });
  doc.moveDown(1.5);
  doc.font("cjk-bold").fontSize(26).text(title[lang], { align: "center" });
  if (lang === "zh") doc.font("cjk").fontSize(12).text(title.en, { align: "center" });
  doc.moveDown(0.5);
  doc.font("cjk").fontSize(11).text(`${label({ zh: "证书编号", en: "Certificate No." }, lang)}: ${data.number}`, { align: "center" });
  doc.moveDown(1.5);
  doc.font("cjk").fontSize(12).text(statement(data, lang), MARGIN, undefined, { width, lineGap: 4 });
  doc.moveDown(1.5);

  const first = data.lessons[0];
  const last = data.lessons.at(-1);
  const fields: [{ zh: string; en: string }, string][] = [
    [{ zh: "学员", en: "Trainee" }, `${data.trainee.name} (${data.trainee.username})`],
    [{ zh: "培训课程", en: "Course" }, data.course.title],
    [{ zh: "培训单位", en: "Organisation" }, data.organisation.name],
    [{ zh: "培训日期", en: "Dates" }, first && last ? `${utcMinute(first.startsAt).slice(0, 10)} ${lang === "zh" ? "至" : "to"} ${utcMinute(last.endsAt).slice(0, 10)}` : "-"],
    [{ zh: "出勤率", en: "Presence" }, `${data.standing.presencePercent} %`],
    [{ zh: "测验得分", en: "Quiz score" }, scoreText(data)],
    [{ zh: "结业要求", en: "Requirements" }, lang === "zh" ? `出勤率不低于 ${data.criteria.presencePercent} %，测验得分率不低于 ${data.criteria.scorePercent} %` : `presence at least ${data.criteria.presencePercent} %, score at least ${data.criteria.scorePercent} %`],
    [{ zh: "签发日期", en: "Date of issue" }, data.dates.issued],
    [{ zh: "签发人", en: "Issued by" }, data.issuer.name],
  ];
  fieldRows(doc, fields.map(([name, value]) => [label(name, lang), value]), lang === "zh" ? 150 : 110, width);
  const qy = verifyQr(doc, QRCode, options.verifyUrl, label({ zh: "扫码验证", en: "Scan to verify" }, lang));
  doc.fontSize(8).text(`${label({ zh: "验证地址", en: "Verify at" }, lang)}: ${options.verifyUrl}`, MARGIN, qy, { width: width - 110 });

  doc.addPage();
  heading(doc, label({ zh: "课程与出勤", en: "Lessons and presence" }, lang));
  table(
    doc,
    [label({ zh: "课次", en: "Lesson" }, lang), label({ zh: "开始 (UTC)", en: "Starts (UTC)" }, lang), label({ zh: "结束 (UTC)", en: "Ends (UTC)" }, lang), label({ zh: "出勤率", en: "Presence" }, lang)],
    data.lessons.map((l) => [l.title, utcMinute(l.startsAt), utcMinute(l.endsAt), `${l.presencePercent} %`]),
    [0.4, 0.22, 0.22, 0.16],
  );
  heading(doc, label({ zh: "电子签名", en: "Electronic signature" }, lang));
  const cp = data.records.checkpoint;
  doc
    .font("cjk")
    .fontSize(8)
    .text(
      lang === "zh"
        ? `本证明经签发人 ${data.issuer.name} 以 Ed25519 电子签名，签名作为附件嵌入本文件；课程的结业要求是记录日志中的一条记录，在检查点 ${cp.treeSize}（根哈希 ${cp.rootHash}）之下。可用 telecal cert verify 或上述验证地址核验。`
        : `Signed electronically (Ed25519) by ${data.issuer.name}; the signature is attached to this file. The course's requirements are a record of the record log under checkpoint ${cp.treeSize} (root ${cp.rootHash}). Check it with telecal cert verify or at the address above.`,
      MARGIN,
      undefined,
      { width },
    );

  pageFooters(doc, `${label({ zh: "证书编号", en: "Certificate No." }, lang)} ${data.number}`, lang);
  attachSignatureSpace(doc, options.signatureSpace);
  doc.end();
  return bytes();
}
