/** Header cells a CSV of trainees may start with; the line is skipped. */
const HEADERS = new Set(["username", "用户名", "user", "name", "用户"]);

/**
 * The usernames of a CSV of trainees as a spreadsheet exports it: one per line, or in the first
 * column (comma, semicolon or tab), quotes and a UTF-8 BOM allowed, a header line and blank lines
 * skipped. Order kept, repeats dropped.
 */
export function usernamesOfCsv(csv: string): string[] {
  const names: string[] = [];
  for (const line of csv.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const first = (line.split(/[,;\t]/)[0] ?? "").trim().replace(/^"(.*)"$/, "$1").trim();
    if (first === "" || HEADERS.has(first.toLowerCase()) || first.startsWith("#")) continue;
    if (!names.includes(first)) names.push(first);
  }
  return names;
}
