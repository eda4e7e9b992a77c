import type { Attendance } from "@telecal/protocols";

/** Chinese first, English beside, as the page shows them. */
export const ATTENDANCE_CSV_HEADER = [
  "用户名 username",
  "姓名 name",
  "首次进入 first join (UTC)",
  "最后离开 last leave (UTC)",
  "在线分钟 minutes present (in lesson times)",
  "出勤率 presence %",
  "测验得分 quiz score",
  "满分 max score",
  "进出记录 stints (UTC)",
];

const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());

/**
 * A cell as Excel and LibreOffice take it: quoted when it holds a separator, a quote or a line
 * break; a leading = + - @ (a display name is the trainee's own text) is kept as text, not a formula.
 */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The attendance of a lesson as CSV: UTF-8 with a byte-order mark (without it Excel reads the Chinese
 * as mojibake), CRLF lines, one trainee a line. A stint still open has no leave time.
 */
export function attendanceCsv(a: Attendance): string {
  const lines = [ATTENDANCE_CSV_HEADER.map(cell).join(",")];
  for (const r of a.rows) {
    const open = r.stints.some(([, left]) => left === null);
    lines.push(
      [
        r.username,
        r.displayName,
        iso(r.firstJoin),
        open ? "" : iso(r.lastLeave),
        (r.presentMs / 60_000).toFixed(1),
        r.presencePercent.toFixed(1),
        r.score,
        r.maxScore,
        r.stints.map(([j, l]) => `${iso(j)}/${iso(l)}`).join(" "),
      ]
        .map(cell)
        .join(","),
    );
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
