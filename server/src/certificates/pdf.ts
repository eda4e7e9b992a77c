import type { Bilingual, CertificateData } from "@telecal/protocols";
import { conclusionOf, DECISION_TEXT } from "./conformity";
import { DOCUMENT_TITLE, documentKindOf } from "./document-kind";
import { cjkFonts } from "./font";
import { fieldRows, FOOTER, heading, MARGIN, table } from "./pdf-layout";
import { label, pageFooters, pdfBytes, pdfLibraries, type PdfLanguage, verifyQr } from "./pdf-parts";
import { attachSignatureSpace } from "./pdf-signature-space";
import { formatNumber, reportedText } from "./reported-values";

export type CertificateLanguage = PdfLanguage;

export interface PdfOptions {
  lang: CertificateLanguage;
  /** <public base URL>/verify/<id>: the QR code's target. */
  verifyUrl: string;
  /** The signed DCC, attached to the PDF. */
  dcc: Buffer;
  /** Bytes kept for the signature block (pdf-seal.ts). */
  signatureSpace: number;
}

const pick = (b: Bilingual, lang: CertificateLanguage) => b[lang];

/**
 * Renders the certificate: cover page with the key data and the QR code, then standards,
 * conditions and results, "第 x 页 共 y 页" on every page; the DCC and a signature block attached.
 * The signature space is filled afterwards without moving a byte (pdf-seal.ts).
 */
export async function renderPdf(data: CertificateData, options: PdfOptions): Promise<Buffer> {
  const { lang } = options;
  const kind = documentKindOf(data);
  const title = DOCUMENT_TITLE[kind];
  const { PDFDocument, QRCode } = await pdfLibraries();
  const fonts = cjkFonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `${lang === "zh" ? title.zh : title.en} ${data.number}`,
      Author: pick(data.lab.name, lang),
      Subject: pick(data.item.name, lang),
      Creator: "telecal",
      CreationDate: new Date(`${data.dates.issued}T00:00:00Z`),
    },
    lang: lang === "zh" ? "zh-CN" : "en",
  });
  const bytes = pdfBytes(doc);
  doc.registerFont("cjk", fonts.regular);
  doc.registerFont("cjk-bold", fonts.bold);
  doc.registerFont("symbols", fonts.symbols);
  const width = doc.page.width - 2 * MARGIN;

  // Cover: lab, title, number, key data, QR code.
  doc.font("cjk-bold").fontSize(14).text(pick(data.lab.name, lang), { align: "center" });
  doc.font("cjk").fontSize(9).text(lang === "zh" ? data.lab.name.en : data.lab.name.zh, { align: "center" });
  doc.moveDown(1.5);
  doc.font("cjk-bold").fontSize(26).text(lang === "zh" ? title.zh : title.en, { align: "center" });
  if (lang === "zh") doc.font("cjk").fontSize(12).text(title.en, { align: "center" });
  doc.moveDown(0.5);
  doc.font("cjk").fontSize(11).text(`${label({ zh: "证书编号", en: "Certificate No." }, lang)}: ${data.number}`, { align: "center" });
  if (data.replaces) {
    doc.fontSize(9).text(`${label({ zh: "替代证书", en: "Replaces certificate" }, lang)}: ${data.replaces.number}`, { align: "center" });
  }
  doc.moveDown(1.5);

  const isVerification = data.mode === "verification";
  const conclusion = conclusionOf(data.results);
  const fields: [Bilingual, string][] = [
    [{ zh: "委托单位", en: "Customer" }, data.customer.name],
    [{ zh: "委托单位地址", en: "Customer address" }, data.customer.address],
    [{ zh: "计量器具名称", en: "Instrument" }, pick(data.item.name, lang)],
    [{ zh: "型号/规格", en: "Model" }, data.item.model],
    [{ zh: "出厂编号", en: "Serial number" }, data.item.serial],
    [{ zh: "制造单位", en: "Manufacturer" }, data.item.maker],
    [isVerification ? { zh: "检定依据", en: "Verification regulation" } : { zh: "校准依据", en: "Calibration specification" }, `${data.method.code} ${data.method.title}`],
  ];
  if (isVerification) fields.push([{ zh: "检定结论", en: "Conclusion" }, label(conclusion.word, lang)]);
  fields.push(
    [isVerification ? { zh: "检定员", en: "Verified by" } : { zh: "校准员", en: "Calibrated by" }, data.people.calibrator.name],
    [{ zh: "核验员", en: "Checked by" }, data.people.checker.name],
    [{ zh: "批准人", en: "Approved by" }, data.people.approver.name],
    [isVerification ? { zh: "检定日期", en: "Date of verification" } : { zh: "校准日期", en: "Date of calibration" }, data.dates.performed],
  );
  // A 检定结果通知书 (a point 不合格 or 待定) states no validity.
  if (data.dates.validUntil && kind !== "verification-failure-notice") fields.push([{ zh: "有效期至", en: "Valid until" }, data.dates.validUntil]);
  fields.push([{ zh: "签发日期", en: "Date of issue" }, data.dates.issued]);
  fieldRows(doc, fields.map(([name, value]) => [label(name, lang), value]), lang === "zh" ? 190 : 150, width);

  // The QR code, bottom right of the cover page; the laboratory's details beside it.
  const qy = verifyQr(doc, QRCode, options.verifyUrl, label({ zh: "扫码验证", en: "Scan to verify" }, lang));
  doc.fontSize(8).text(`${label({ zh: "实验室认可/授权", en: "Accreditation" }, lang)}: ${data.lab.accreditation}`, MARGIN, qy, { width: width - 110 });
  doc.text(`${data.lab.address} · ${data.lab.email}${data.lab.phone ? ` · ${data.lab.phone}` : ""}`, { width: width - 110 });
  doc.text(`${label({ zh: "验证地址", en: "Verify at" }, lang)}: ${options.verifyUrl}`, { width: width - 110 });

  // Page 2: standards, conditions, results.
  doc.addPage();
  heading(doc, label({ zh: "计量标准器具", en: "Reference standards" }, lang));
  table(
    doc,
    [
      label({ zh: "名称", en: "Name" }, lang),
      label({ zh: "型号", en: "Model" }, lang),
      label({ zh: "编号", en: "Serial" }, lang),
      label({ zh: "证书编号", en: "Certificate" }, lang),
      label({ zh: "有效期至", en: "Due" }, lang),
    ],
    data.standards.map((s) => [`${pick(s.name, lang)} (${s.maker})`, s.model, s.serial, s.certificateNumber, s.dueOn]),
    [0.3, 0.17, 0.15, 0.23, 0.15],
  );
  heading(doc, label({ zh: "环境条件", en: "Environmental conditions" }, lang));
  const env = data.environment;
  doc
    .font("cjk")
    .fontSize(9)
    .text(
      `${label({ zh: "温度", en: "Temperature" }, lang)}: ${formatNumber(env.temperature)} °C` +
        (env.humidity !== undefined ? `    ${label({ zh: "相对湿度", en: "Relative humidity" }, lang)}: ${formatNumber(env.humidity)} %RH` : ""),
      MARGIN,
    );
  doc.moveDown(0.8);
  heading(doc, label(isVerification ? { zh: "检定结果", en: "Results of verification" } : { zh: "校准结果", en: "Results of calibration" }, lang));
  const head = [
    label({ zh: "校准点", en: "Point" }, lang),
    label({ zh: "标称值", en: "Nominal" }, lang),
    label({ zh: "标准值", en: "Reference" }, lang),
    label({ zh: "示值", en: "Indication" }, lang),
    label({ zh: "示值误差", en: "Error" }, lang),
    label({ zh: "扩展不确定度", en: "U" }, lang),
  ];
  const withMpe = data.results.some((r) => r.mpe !== undefined);
  if (withMpe) head.push(label({ zh: "最大允许误差", en: "MPE" }, lang));
  if (isVerification) head.push(label({ zh: "结论", en: "Decision" }, lang));
  const rows = data.results.map((r) => {
    const text = reportedText(r);
    const row = [
      r.point,
      `${formatNumber(r.nominal)} ${r.unit}`,
      text.reference,
      text.indication,
      text.error,
      `${text.U} (k=${formatNumber(r.k)})`,
    ];
    if (withMpe) row.push(r.mpe === undefined ? "-" : `±${formatNumber(r.mpe)}`);
    if (isVerification) row.push(r.decision ? label(DECISION_TEXT[r.decision], lang) : "-");
    return row;
  });
  const colWidths = head.length === 8 ? [0.14, 0.12, 0.13, 0.13, 0.12, 0.14, 0.12, 0.1] : head.length === 7 ? [0.16, 0.13, 0.14, 0.14, 0.13, 0.16, 0.14] : [0.18, 0.15, 0.17, 0.17, 0.15, 0.18];
  table(doc, head, rows, colWidths);
  // Stated as a person states it (JJF 1059.1: 约 95 %), each distinct value once.
  // (99.73 % for k = 3 keeps its third digit rather than read 100 %.)
  const percent = (p: number) => formatNumber(Number((p * 100).toPrecision(p * 100 >= 99.5 ? 3 : 2)));
  const probability = [...new Set(data.results.map((r) => percent(r.coverageProbability)))].map((p) => `${p} %`).join(", ");
  doc
    .font("cjk")
    .fontSize(8)
    .text(
      lang === "zh"
        ? `单位：各值与标称值同单位。U 为示值误差的扩展不确定度，包含因子 k，包含概率约 ${probability}。`
        : `Values are in the unit of the nominal value. U is the expanded uncertainty of the error with coverage factor k, coverage probability about ${probability}.`,
      MARGIN,
    );
  doc.moveDown(0.8);
  heading(doc, label({ zh: "数据溯源与电子签名", en: "Records and electronic signature" }, lang));
  const cp = data.records.checkpoint;
  doc
    .font("cjk")
    .fontSize(8)
    .text(
      lang === "zh"
        ? `本证书由原始记录计算得出：记录日志检查点 ${cp.treeSize}（根哈希 ${cp.rootHash}，密钥 ${cp.keyId}），原始记录 ${data.records.hashes.length} 条，其哈希见所附 DCC。本证书经批准人 ${data.people.approver.name} 以 Ed25519 电子签名；DCC（PTB 数字校准证书 3.1.2）与签名作为附件嵌入本文件，可用 telecal cert verify 或上述验证地址核验。`
        : `Computed from raw records: record log checkpoint ${cp.treeSize} (root ${cp.rootHash}, key ${cp.keyId}), ${data.records.hashes.length} raw records whose hashes the attached DCC lists. Signed electronically (Ed25519) by the approver ${data.people.approver.name}; the DCC (PTB Digital Calibration Certificate 3.1.2) and the signature are attached to this file: check them with telecal cert verify or at the address above.`,
      MARGIN,
      undefined,
      { width },
    );

  // Footer on every page: number and 第 x 页 共 y 页.
  pageFooters(doc, `${label({ zh: "证书编号", en: "Certificate No." }, lang)} ${data.number}`, lang);

  const attachment: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: `${data.number}.xml`,
    type: "application/xml",
    description: "PTB Digital Calibration Certificate (DCC 3.1.2), signed",
    // PDF/A-3 AFRelationship: the DCC is the same certificate in another form.
    relationship: "Alternative",
    creationDate: new Date(`${data.dates.issued}T00:00:00Z`),
  };
  doc.file(options.dcc, attachment);
  attachSignatureSpace(doc, options.signatureSpace);
  doc.end();
  return bytes();
}
