import { FOOTER, MARGIN } from "./pdf-layout";

/** Parts every signed PDF shares (the certificates and the 培训证明): the verify QR code and the page footers. */

export type PdfLanguage = "zh" | "en";

/** Labels: the Chinese document shows each with its English beside it; the English one shows English only. */
export function label(b: { zh: string; en: string }, lang: PdfLanguage): string {
  return lang === "zh" ? `${b.zh} ${b.en}` : b.en;
}

/** PDFKit and the QR encoder, loaded on first use: every CLI command and server start imports the renderers, few render. */
export async function pdfLibraries() {
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import("pdfkit"), import("qrcode")]);
  return { PDFDocument, QRCode };
}

/** The QR code of `url` in vector form, bottom right of the current page, captioned; returns its top. */
export function verifyQr(doc: PDFKit.PDFDocument, QRCode: Awaited<ReturnType<typeof pdfLibraries>>["QRCode"], url: string, caption: string): number {
  const qr = QRCode.create(url, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const cell = 90 / size;
  const qx = doc.page.width - MARGIN - 90;
  const qy = doc.page.height - MARGIN - FOOTER - 120;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) if (qr.modules.get(r, c)) doc.rect(qx + c * cell, qy + r * cell, cell, cell);
  }
  doc.fill("black");
  doc.font("cjk").fontSize(7).text(caption, qx, qy + 94, { width: 90, align: "center" });
  return qy;
}

/** On every page: `left` (the number) and 第 x 页 共 y 页 / Page x of y. Needs `bufferPages`. */
export function pageFooters(doc: PDFKit.PDFDocument, left: string, lang: PdfLanguage): void {
  const width = doc.page.width - 2 * MARGIN;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const n = i - range.start + 1;
    const pages = lang === "zh" ? `第 ${n} 页 共 ${range.count} 页` : `Page ${n} of ${range.count}`;
    doc.font("cjk").fontSize(8).text(left, MARGIN, doc.page.height - MARGIN - 10, { width: width / 2, lineBreak: false });
    doc.text(pages, MARGIN + width / 2, doc.page.height - MARGIN - 10, { width: width / 2, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

/** Collects the document's bytes once it is ended. */
export function pdfBytes(doc: PDFKit.PDFDocument): () => Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  return async () => {
    await ended;
    return Buffer.concat(chunks);
  };
}
