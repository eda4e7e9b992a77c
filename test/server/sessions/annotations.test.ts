import { ANNOTATIONS_PER_TARGET, type SessionEvent, type SessionRecord, type SessionUser } from "@telecal/protocols";
import { currentAnnotations } from "@telecal/server";
import { describe, expect, it } from "vitest";

const expert: SessionUser = { userId: "u1", username: "expert", displayName: "专家", role: "expert", organisationId: "org-a" };

/** Annotation records of one session as the journal reads them back, ids and seqs in order. */
function records(events: SessionEvent[]): SessionRecord[] {
  return events.map((payload, i) => ({ id: 100 + i, seq: i, kind: "session-event", at: 1000 + i, actor: "user:u1", payload }));
}
const mark = (target: string, x: number): SessionEvent => ({ event: "annotated", user: expert, target, shape: { kind: "ring", x, y: 0.5, r: 0.1 }, note: null });
const clear = (target: string): SessionEvent => ({ event: "annotations-cleared", user: expert, target });

describe("the marks on show, derived from the session's records", () => {
  it("keeps the marks of every target since its last clear, oldest first across targets", () => {
    const shown = currentAnnotations("job1", records([mark("video:a", 0.1), mark("chart:s/1", 0.2), mark("video:a", 0.3), clear("video:a"), mark("video:a", 0.4), mark("chart:s/1", 0.5)]));
    expect(shown.map((a) => [a.id, a.target, a.shape.kind === "ring" && a.shape.x])).toEqual([
      [101, "chart:s/1", 0.2],
      [104, "video:a", 0.4],
      [105, "chart:s/1", 0.5],
    ]);
    expect(shown[0]).toEqual({ id: 101, jobId: "job1", from: expert, target: "chart:s/1", shape: { kind: "ring", x: 0.2, y: 0.5, r: 0.1 }, note: null, at: 1001 });
  });

  it(`keeps at most the newest ${ANNOTATIONS_PER_TARGET} marks of one target; a clear of another target leaves them`, () => {
    const many = Array.from({ length: ANNOTATIONS_PER_TARGET + 3 }, (_, i) => mark("video:a", i / 100));
    const shown = currentAnnotations("job1", records([...many, clear("video:b")]));
    expect(shown).toHaveLength(ANNOTATIONS_PER_TARGET);
    expect(shown.map((a) => a.id)).toEqual(Array.from({ length: ANNOTATIONS_PER_TARGET }, (_, i) => 103 + i));
  });

  it("shows nothing for a target cleared last, and nothing at all without records", () => {
    expect(currentAnnotations("job1", records([mark("video:a", 0.1), clear("video:a")]))).toEqual([]);
    expect(currentAnnotations("job1", [])).toEqual([]);
  });
});
