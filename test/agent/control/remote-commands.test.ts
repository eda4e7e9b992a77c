import { afterEach, describe, expect, it } from "vitest";
import { RemoteCommands } from "@telecal/agent/control/remote-commands";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { DriverDefinition } from "@telecal/agent/drivers/definition";
import { silentLogger } from "@telecal/agent/log";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { TestBench, waitFor } from "../../fakes/bench";

const command = (instrument: string, epoch: number, c: object) => ({ commandId: `c${epoch}`, jobId: "job-1", instrument, epoch, command: c, by: "user:u1" });

describe("remote commands on the agent (the second gate)", () => {
  let bench: TestBench;
  afterEach(async () => {
    await bench?.close();
  });

  it("maps set points by unit and output on/off through the driver's control section, and fences stale epochs", async () => {
    bench = new TestBench();
    const cal = await bench.add(getSimDefinition("fluke-5522a"), "fluke-5522a", { id: "cal1", role: "reference" });
    const pace = await bench.add(getSimDefinition("druck-pace"), "druck-pace", { id: "pace1" });
    const dmm = await bench.add(getSimDefinition("keysight-34465a"), "keysight-34465a", { id: "dmm1" });
    await waitFor("identities", () => (cal.changed > 0 && pace.changed > 0 && dmm.changed > 0 ? true : undefined));
    const remote = new RemoteCommands([cal.instrument, pace.instrument, dmm.instrument], silentLogger, new Set(["cal1", "pace1", "dmm1", "nope"]));
    const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? "ok" : r.error!.code);

    expect(await remote.execute(command("cal1", 3, { kind: "set", value: 2.5, unit: "V" }))).toEqual({ ok: true, commandId: "c3" });
    expect(cal.sim.property("output")).toBe(2.5);
    expect(code(await remote.execute(command("cal1", 3, { kind: "output", on: true })))).toBe("ok");
    expect(cal.sim.property("operate")).toBe("OPER");
    expect(code(await remote.execute(command("pace1", 1, { kind: "set", value: 1200, unit: "hPa" })))).toBe("ok");
    expect(code(await remote.execute(command("pace1", 1, { kind: "output", on: true })))).toBe("ok");
    expect(pace.sim.property("control")).toBe("ON");

    expect(code(await remote.execute(command("dmm1", 1, { kind: "set", value: 1, unit: "V" })))).toBe("TC_ERR_COMMAND_UNSUPPORTED");
    expect(code(await remote.execute(command("nope", 1, { kind: "output", on: false })))).toBe("TC_ERR_COMMAND_UNSUPPORTED");
    expect(code(await remote.execute(command("cal1", 3, { kind: "set", value: 1, unit: "A" })))).toBe("TC_ERR_COMMAND_UNSUPPORTED");
    expect(code(await remote.execute(command("cal1", 3, { kind: "set", value: 5000, unit: "V" })))).toBe("TC_ERR_VALIDATION");
    // A set point in ohms goes to the calibrator's resistance output, within its driver's limits.
    expect(code(await remote.execute(command("cal1", 3, { kind: "set", value: 1000, unit: "Ω" })))).toBe("ok");
    expect([cal.sim.property("resistance"), cal.sim.property("mode")]).toEqual([1000, "OHM"]);
    expect(code(await remote.execute(command("cal1", 3, { kind: "set", value: 2e9, unit: "Ω" })))).toBe("TC_ERR_VALIDATION");
    expect(code(await remote.execute({ ...command("cal1", 3, { kind: "output", on: false }), extra: 1 }))).toBe("TC_ERR_VALIDATION");

    // A revoke's new epoch, told by the server, fences a command of the old lease still on its way.
    remote.leaseEpoch({ instrument: "cal1", epoch: 4 });
    expect(remote.epoch("cal1")).toBe(4);
    expect(code(await remote.execute(command("cal1", 3, { kind: "output", on: false })))).toBe("TC_ERR_LEASE_STALE_EPOCH");
    expect(cal.sim.property("operate")).toBe("OPER");
    remote.leaseEpoch({ instrument: "cal1", epoch: 2 });
    expect(remote.epoch("cal1")).toBe(4);
    expect(code(await remote.execute(command("cal1", 5, { kind: "output", on: false })))).toBe("ok");
    expect(cal.sim.property("operate")).toBe("STBY");
  });

  it("puts the sources a remote holder commanded into standby when the server link is lost, and only those", async () => {
    bench = new TestBench();
    const cal = await bench.add(getSimDefinition("fluke-5522a"), "fluke-5522a", { id: "cal1", role: "reference" });
    const pace = await bench.add(getSimDefinition("druck-pace"), "druck-pace", { id: "pace1" });
    await waitFor("identities", () => (cal.changed > 0 && pace.changed > 0 ? true : undefined));
    const remote = new RemoteCommands([cal.instrument, pace.instrument], silentLogger, new Set(["cal1", "pace1"]));
    expect((await remote.execute(command("cal1", 1, { kind: "set", value: 100, unit: "V" }))).ok).toBe(true);
    expect((await remote.execute(command("cal1", 1, { kind: "output", on: true }))).ok).toBe(true);
    expect(cal.sim.property("operate")).toBe("OPER");
    // The controller was switched on at the bench (or by the job's runner), not by a remote holder.
    pace.sim.handle("SOUR:PRES 1200");
    pace.sim.handle("OUTP:STAT ON");
    expect(pace.sim.property("control")).toBe("ON");

    expect(await remote.standbyRemote("transport close")).toEqual(["cal1"]);
    expect(cal.sim.property("operate")).toBe("STBY");
    expect(pace.sim.property("control")).toBe("ON");
    // Once in standby, a second loss has nothing left to do.
    expect(await remote.standbyRemote("ping timeout")).toEqual([]);
  });

  it("refuses every command to an instrument the bench has not granted, before anything reaches it", async () => {
    bench = new TestBench();
    const cal = await bench.add(getSimDefinition("fluke-5522a"), "fluke-5522a", { id: "cal1", role: "reference" });
    await waitFor("identity", () => (cal.changed > 0 ? true : undefined));
    const remote = new RemoteCommands([cal.instrument], silentLogger, new Set());
    const reply = await remote.execute(command("cal1", 1, { kind: "output", on: true }));
    expect(reply).toMatchObject({ ok: false, error: { code: "TC_ERR_COMMAND_NOT_GRANTED" } });
    expect(cal.sim.property("operate")).toBe("STBY");
    // Not granted, it never counted as remotely driven: a lost link has nothing to put in standby.
    expect(await remote.standbyRemote("transport close")).toEqual([]);
  });

  it("a driver's control section may name only settable properties", () => {
    const fluke = new DriverCatalog().get("fluke-5522a");
    const bad = DriverDefinition.safeParse({ ...fluke, control: { setpoints: { V: "nonexistent" }, output: { property: "output", on: "1", off: "0" } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["control.setpoints.V"]);
  });
});
