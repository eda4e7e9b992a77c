import { type LiveLink, LIVE_MAX_VALUES, LiveTicks } from "@telecal/agent";
import type { AgentLiveValue } from "@telecal/protocols";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/bench";

/** A link that records what it is given and is "writing" until the test drains it. */
class HeldLink implements LiveLink {
  up = true;
  busy = false;
  readonly sent: AgentLiveValue[][] = [];
  /** Date.now() of each send. */
  readonly sentAt: number[] = [];
  private drained: (() => void)[] = [];
  connected = () => this.up;
  writing = () => this.busy;
  onceDrained = (fn: () => void) => void this.drained.push(fn);
  send = (values: AgentLiveValue[]) => {
    this.sent.push(values);
    this.sentAt.push(Date.now());
  };
  drain(): void {
    this.busy = false;
    for (const fn of this.drained.splice(0)) fn();
  }
}

const value = (stream: number, t: number): AgentLiveValue => ({ instrumentId: "dmm1", streamId: `s${stream}`, t, value: t, unit: "V", flags: 0 });

describe("the agent's live ticks", () => {
  it("sends the readings of one turn in one message and the next no sooner than a tick later", async () => {
    const link = new HeldLink();
    const ticks = new LiveTicks(link, 100);
    for (let s = 0; s < 8; s++) ticks.push(value(s, 1));
    await waitFor("the first message", () => (link.sent.length === 1 ? true : undefined));
    expect(link.sent[0]).toHaveLength(8);
    ticks.push(value(0, 2));
    ticks.push(value(1, 2));
    await waitFor("the second message", () => (link.sent.length === 2 ? true : undefined));
    // A timer never fires early; 1 ms for the clock's rounding.
    expect(link.sentAt[1]! - link.sentAt[0]!).toBeGreaterThanOrEqual(99);
    expect(link.sent[1]!.map((v) => v.streamId)).toEqual(["s0", "s1"]);
    expect(ticks.counts).toEqual({ sent: 10, messages: 2, dropped: 0 });
  });

  it("holds values while the socket is writing, sends them all on drain, and keeps the newest per stream beyond the cap", async () => {
    const link = new HeldLink();
    const ticks = new LiveTicks(link, 0);
    link.busy = true;
    for (let t = 0; t < 3; t++) for (let s = 0; s < 10; s++) ticks.push(value(s, t));
    await new Promise((r) => setTimeout(r, 20));
    expect(link.sent).toEqual([]);
    link.drain();
    await waitFor("the held values", () => (link.sent.length === 1 ? true : undefined));
    expect(link.sent[0]).toHaveLength(30);

    link.busy = true;
    for (let t = 0; t < 40; t++) for (let s = 0; s < 10; s++) ticks.push(value(s, 100 + t));
    await new Promise((r) => setTimeout(r, 20));
    link.drain();
    await waitFor("the coalesced values", () => (link.sent.length === 2 ? true : undefined));
    const second = link.sent[1]!;
    expect(second.length).toBeLessThanOrEqual(LIVE_MAX_VALUES);
    // Every stream is there, and its last value is the newest taken.
    for (let s = 0; s < 10; s++) expect(second.filter((v) => v.streamId === `s${s}`).at(-1)?.t).toBe(139);
    expect(ticks.counts.dropped).toBe(400 - second.length);
  });

  it("keeps nothing while the link is down, and forgets a pending drain when it goes down", async () => {
    const link = new HeldLink();
    const ticks = new LiveTicks(link, 0);
    link.busy = true;
    ticks.push(value(0, 1));
    await new Promise((r) => setTimeout(r, 10));
    link.up = false;
    ticks.reset();
    ticks.push(value(0, 2));
    link.up = true;
    link.drain();
    ticks.push(value(0, 3));
    await waitFor("the value after the link came back", () => (link.sent.length === 1 ? true : undefined));
    expect(link.sent).toEqual([[value(0, 3)]]);
    expect(ticks.counts.dropped).toBe(2);
  });
});
