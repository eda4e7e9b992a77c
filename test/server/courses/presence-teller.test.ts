import type { LessonParticipant } from "@telecal/protocols";
import { PresenceTeller } from "@telecal/server/realtime/lessons/presence-teller";
import { afterEach, describe, expect, it, vi } from "vitest";

/** A lesson context with only what the teller uses: the present list as it is now, and what was pushed. */
function fakeContext() {
  const pushed: { to: unknown; event: string; body: { present: LessonParticipant[] } }[] = [];
  let present: string[] = [];
  const ctx = {
    live: { present: (_lesson: string, _course: string) => Promise.resolve(present.map((username) => ({ userId: username, username, displayName: username, part: "trainee", since: 0 }))) },
    broadcast: (to: unknown, event: string, body: { present: LessonParticipant[] }) => void pushed.push({ to, event, body }),
  };
  return { ctx: ctx as never, pushed, set: (names: string[]) => void (present = names) };
}

describe("lesson presence pushes", () => {
  afterEach(() => void vi.useRealTimers());

  it("gathers the joins of one gather time into one push to the trainers, with the list as it is then", async () => {
    vi.useFakeTimers();
    const { ctx, pushed, set } = fakeContext();
    const teller = new PresenceTeller(ctx, (err) => { throw err; }, 500);
    for (let i = 1; i <= 30; i++) {
      set(Array.from({ length: i }, (_, j) => `t${j + 1}`));
      teller.changed("lesson-1", "course-1");
    }
    expect(pushed).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ to: "lesson:lesson-1:trainers", event: "lesson:presence" });
    expect(pushed[0]!.body.present).toHaveLength(30);
    // A later change is pushed on its own; another lesson's on its own too.
    set(["t1"]);
    teller.changed("lesson-1", "course-1");
    teller.changed("lesson-2", "course-1");
    await vi.advanceTimersByTimeAsync(500);
    expect(pushed.map((p) => [p.to, p.body.present.length])).toEqual([["lesson:lesson-1:trainers", 30], ["lesson:lesson-1:trainers", 1], ["lesson:lesson-2:trainers", 1]]);
  });

  it("pushes nothing once stopped", async () => {
    vi.useFakeTimers();
    const { ctx, pushed } = fakeContext();
    const teller = new PresenceTeller(ctx, (err) => { throw err; }, 500);
    teller.changed("lesson-1", "course-1");
    teller.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(pushed).toEqual([]);
  });
});
