import type { Attendance } from "@telecal/protocols";
import { cjkFonts } from "../certificates/font";
import { FOOTER, heading, MARGIN, table } from "../certificates/pdf-layout";
import { pageFooters, pdfBytes, pdfLibraries } from "../certificates/pdf-parts";
import { ATTENDANCE_CSV_HEADER } from "./attendance-csv";

const utc = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString().slice(0, 19).replace("T", " "));

/**
 * A lesson's attendance as a PDF sheet to print or file: the same columns as the CSV, headings in
 * Chinese with English beside, A4 landscape, in the certificates' font (Noto Sans SC, embedded), so
 * that names in any script the font holds come out as typed. Times are UTC.
 */
export async function attendancePdf(a: Attendance, now = Date.now()): Promise<Buffer> {
  const { PDFDocument } = await pdfLibraries();
  const fonts = cjkFonts();
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `出勤记录 Attendance: ${a.lesson.title}`, Subject: a.courseTitle, Creator: "telecal", CreationDate: new Date(now) },
    lang: "zh-CN",
  });
  const bytes = pdfBytes(doc);
  doc.registerFont("cjk", fonts.regular);
  doc.registerFont("cjk-bold", fonts.bold);
  doc.registerFont("symbols", fonts.symbols);

  doc.font("cjk-bold").fontSize(16).text("出勤记录 Attendance", { align: "center" });
  doc.moveDown(0.5);
  doc.font("cjk").fontSize(10);
  doc.text(`课程 Course: ${a.courseTitle}`);
  doc.text(`课次 Lesson: ${a.lesson.title}`);
  doc.text(`时间 Scheduled (UTC): ${utc(a.lesson.startsAt)} ~ ${utc(a.lesson.endsAt)}`);
  doc.text(`导出时间 Exported (UTC): ${utc(now)}`);
  doc.moveDown(0.8);
  heading(doc, `学员 Trainees (${a.rows.length})`);
  const rows = a.rows.map((r) => {
    const open = r.stints.some(([, left]) => left === null);
    return [
      r.username,
      r.displayName,
      utc(r.firstJoin),
      open ? "" : utc(r.lastLeave),
      (r.presentMs / 60_000).toFixed(1),
      r.presencePercent.toFixed(1),
      String(r.score),
      String(r.maxScore),
      r.stints.map(([j, l]) => `${utc(j).slice(11)}~${l === null ? "" : utc(l).slice(11)}`).join(", "),
    ];
  });
  table(doc, ATTENDANCE_CSV_HEADER, rows, [0.1, 0.12, 0.12, 0.12, 0.09, 0.08, 0.07, 0.07, 0.23]);
  pageFooters(doc, `出勤记录 Attendance ${a.lesson.id}`, "zh");
  doc.end();
  return bytes();
}
