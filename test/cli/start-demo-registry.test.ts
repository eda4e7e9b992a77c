import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS, runTelecal } from "../fakes/cli";

const READY = /is running: (http:\/\/\S+)[\s\S]*demo lab:/;

async function signIn(url: string, username = "technician"): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: "demo" }) });
  return ((await res.json()) as { token: string }).token;
}

async function get<T>(url: string, token: string): Promise<T> {
  return (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
}

describe("telecal start: the demo lab in the registry, and the demo job", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-start-registry-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("registers the demo instruments and certificates in a new data dir only, each as a record that verifies", async () => {
    const first = await runTelecal(["start", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], READY);
    let firstJobId: string | undefined;
    let instruments: { instruments: { model: string; role: string; agentInstrumentId: string | null }[] };
    try {
      const url = READY.exec(first.stdout())![1]!;
      expect(first.stdout()).toContain("registered instruments (new data dir)");
      const token = await signIn(url);
      instruments = await get(`${url}/api/instruments`, token);
      expect(instruments.instruments.map((i) => [i.model, i.role, i.agentInstrumentId]).sort()).toEqual(
        [
          ["5522A", "reference", "cal1"],
          ["PACE5000", "reference", "pace1"],
          ["1524", "reference", "ref1"],
          ["E2 weight set 1 mg-200 g", "reference", null],
          ["34465A", "uut", "dmm1"],
          ["DT-100", "uut", "tm-01"],
          ["XS204", "uut", "bal1"],
        ].sort(),
      );
      const warnings = await get<{ warnings: { status: string; daysLeft: number; model: string }[] }>(`${url}/api/registry/warnings`, token);
      expect(warnings.warnings).toEqual([expect.objectContaining({ model: "PACE5000", status: "due-soon" })]);
      // The demo job, for technician and expert to meet in: its address on the console, running.
      const jobId = /demo job \(technician \+ expert\): \S+\/#\/jobs\/(\S+)/.exec(first.stdout())?.[1];
      expect(jobId).toBeDefined();
      firstJobId = jobId;
      const job = await get<{ procedureId: string; status: string; binding: Record<string, { agentInstrumentId: string | null }> }>(`${url}/api/jobs/${jobId}`, token);
      expect(job).toMatchObject({ procedureId: "dmm-dcv-jjf1587", status: "running", binding: { calibrator: { agentInstrumentId: "cal1" }, dmm: { agentInstrumentId: "dmm1" } } });
      // The demo course: its address on the console; each of trainee1..5 is its own account, enrolled.
      const courseId = /demo course \(trainer \+ trainee1\.\.trainee5\): \S+\/#\/courses\/(\S+)/.exec(first.stdout())?.[1];
      expect(courseId).toBeDefined();
      const seen = new Set<string>();
      for (const trainee of ["trainee1", "trainee2", "trainee3", "trainee4", "trainee5"]) {
        const me = await get<{ user: { id: string; role: string } }>(`${url}/api/auth/me`, await signIn(url, trainee));
        expect(me.user.role).toBe("trainee");
        seen.add(me.user.id);
      }
      expect(seen.size).toBe(5);
      const courses = await get<{ courses: { id: string; as: string; traineeCount: number; trainers: { username: string }[]; lessons: { bench: unknown }[] }[] }>(`${url}/api/courses`, await signIn(url, "trainee3"));
      expect(courses.courses).toEqual([expect.objectContaining({ id: courseId, as: "trainee", traineeCount: 6, trainers: [expect.objectContaining({ username: "trainer" })] })]);
      expect(courses.courses[0]!.lessons).toEqual([expect.objectContaining({ bench: { agentId: "demo-lab", procedureId: "dmm-dcv-jjf1587" } })]);
    } finally {
      await first.stop();
    }
    const verify = spawnSync(process.execPath, [BIN, "verify", "--data-dir", dataDir], { encoding: "utf8", timeout: CLI_START_MS });
    expect([verify.status, verify.stderr]).toEqual([0, ""]);

    // Without --host the demo, with its published password, listens on loopback only.
    const again = await runTelecal(["start", "--port", "0", "--data-dir", dataDir], READY);
    try {
      expect(READY.exec(again.stdout())![1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(again.stdout()).toContain("no demo instruments registered (existing data dir)");
      // The demo job is not made again, and its address is shown again at every start.
      expect(/demo job \(technician \+ expert\): \S+\/#\/jobs\/(\S+)/.exec(again.stdout())?.[1]).toBe(firstJobId);
      expect(again.stdout()).toContain("no demo course created (existing data dir)");
      const url = READY.exec(again.stdout())![1]!;
      expect((await get<typeof instruments>(`${url}/api/instruments`, await signIn(url))).instruments).toHaveLength(7);
    } finally {
      await again.stop();
    }
  }, 240_000);
});
