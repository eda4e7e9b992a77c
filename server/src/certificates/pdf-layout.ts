// Drawing primitives of the certificate PDF: margins, headings, ruled tables.

export const MARGIN = 50;
export const FOOTER = 30;

/** The cover page's label / value lines: the label in a column of `labelWidth`, the value beside it. */
export function fieldRows(doc: PDFKit.PDFDocument, rows: [string, string][], labelWidth: number, width: number): void {
  for (const [name, value] of rows) {
    const y = doc.y;
    doc.font("cjk").fontSize(10).text(name, MARGIN, y, { width: labelWidth });
    const h1 = doc.y - y;
    doc.text(value, MARGIN + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, y + h1) + 4;
  }
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  doc.font("cjk-bold").fontSize(11).text(text, MARGIN);
  doc.moveDown(0.3);
}

/**
 * A cell's text, the ohm sign drawn from the symbols font (as U+2126, its compatibility twin, the
 * one that font holds); everything else in the cell's own font.
 */
function cellText(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number, font: string): void {
  const runs = text.split(/([\u03A9\u2126])/).filter((r) => r !== "");
  if (runs.length <= 1 && !/[\u03A9\u2126]/.test(text)) {
    doc.font(font).text(text, x, y, { width });
    return;
  }
  runs.forEach((run, i) => {
    const ohm = run === "\u03A9" || run === "\u2126";
    doc.font(ohm ? "symbols" : font);
    const options = { width, continued: i < runs.length - 1 };
    if (i === 0) doc.text(ohm ? "\u2126" : run, x, y, options);
    else doc.text(ohm ? "\u2126" : run, options);
  });
  doc.font(font);
}

/** A ruled table; a row that would cross the bottom margin starts a new page with the header again. */
export function table(doc: PDFKit.PDFDocument, head: string[], rows: string[][], fractions: number[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const widths = fractions.map((f) => f * width);
  const draw = (cells: string[], bold: boolean) => {
    doc.font(bold ? "cjk-bold" : "cjk").fontSize(8);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 6 }))) + 6;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!bold) draw(head, true);
      doc.font(bold ? "cjk-bold" : "cjk").fontSize(8);
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.rect(x, y, widths[i]!, h).lineWidth(0.5).stroke();
      cellText(doc, c, x + 3, y + 3, widths[i]! - 6, bold ? "cjk-bold" : "cjk");
      x += widths[i]!;
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  draw(head, true);
  for (const r of rows) draw(r, false);
  doc.moveDown(0.8);
}
