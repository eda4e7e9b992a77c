import type { Attendance } from "@telecal/protocols";
import { attendanceCsv, scoreAnswer, usernamesOfCsv } from "@telecal/server";
import { describe, expect, it } from "vitest";

describe("quiz scoring", () => {
  const numeric = { kind: "numeric" as const, value: 10, tolerance: 0.05, unit: "V" };
  it("takes a numeric answer within the tolerance either side, the bound included as typed", () => {
    const score = (value: number) => scoreAnswer("q", numeric, 2, { value }).score;
    expect([9.94, 9.95, 10, 10.05, 10.051, 10.06].map(score)).toEqual([0, 2, 2, 2, 0, 0]);
    expect(scoreAnswer("q", { ...numeric, tolerance: 0 }, 1, { value: 10 }).correct).toBe(true);
  });
  it("takes exactly the right set for multiple choice, in any order, no part marks", () => {
    const key = { kind: "multiple" as const, options: ["a", "b", "c"], correct: [0, 2] };
    expect([[0, 2], [2, 0], [0], [0, 1, 2], [0, 2, 2]].map((choices) => scoreAnswer("q", key, 1, { choices }).correct)).toEqual([true, true, false, false, true]);
  });
  it("refuses answers of the wrong shape by code", () => {
    const single = { kind: "single" as const, options: ["a", "b"], correct: 1 };
    expect(() => scoreAnswer("q", single, 1, { value: 1 })).toThrow(expect.objectContaining({ code: "TC_ERR_QUIZ_ANSWER" }));
    expect(() => scoreAnswer("q", single, 1, { choices: [0, 1] })).toThrow(expect.objectContaining({ code: "TC_ERR_QUIZ_ANSWER" }));
    expect(() => scoreAnswer("q", single, 1, { choices: [2] })).toThrow(expect.objectContaining({ code: "TC_ERR_QUIZ_ANSWER" }));
    expect(() => scoreAnswer("q", numeric, 1, { choices: [0] })).toThrow(expect.objectContaining({ code: "TC_ERR_QUIZ_ANSWER" }));
  });
});

describe("CSV of enrolment and of attendance", () => {
  it("reads usernames from the first column, skipping BOM, header, blanks and repeats", () => {
    expect(usernamesOfCsv("\uFEFF用户名;姓名\r\n\"li.ming\";李明\r\n\r\nwang\twang\nli.ming\n# note\n")).toEqual(["li.ming", "wang"]);
  });
  it("keeps a display name that starts like a formula as text, and quotes separators", () => {
    const attendance: Attendance = {
      lesson: { id: "l1", courseId: "c1", title: "t", startsAt: 0, endsAt: 60_000, bench: null },
      courseTitle: "c",
      rows: [{ userId: "u", username: "x", displayName: "=HYPERLINK(\"e\",1)", stints: [[0, 30_000]], firstJoin: 0, lastLeave: 30_000, presentMs: 30_000, presencePercent: 50, score: 1, maxScore: 2 }],
    };
    const line = attendanceCsv(attendance).split("\r\n")[1]!;
    expect(line.startsWith(`x,"'=HYPERLINK(""e"",1)",1970-01-01T00:00:00.000Z,1970-01-01T00:00:30.000Z,0.5,50.0,1,2,`)).toBe(true);
  });
});
