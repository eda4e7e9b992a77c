import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BindingCandidates, PROTOCOL_VERSION } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";
import { certificate } from "../../fakes/registry";

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const instrument = (id: string, driver: string, role: "reference" | "uut") => ({ id, driver, role, maker: "", model: "", serial: "", firmware: "", streams: [] });

/**
 * Issue 18, item 1: a job binds each equipment to an instrument of the kind it needs. The weights
 * of the balance procedure are not the calibrator, its balance is not the DMM; and a bench
 * instrument is read by a driver the equipment names (the one its agent announced at hello).
 */
describe("a job's binding fits its procedure", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-binding-fit-"));
  let server: TelecalServer;
  let token: string;
  const ids: Record<string, string> = {};
  const post = (url: string, payload: object) => server.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${token}` }, payload });
  const created = async (url: string, payload: object) => {
    const res = await post(url, payload);
    if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>().id;
  };
  const balanceJob = (binding: Record<string, string>) => post("/api/jobs", { procedureId: "balance-jjg1036", agentId: "bench-a", binding, technician: "technician", expert: "expert" });

  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir, auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
    await seedUsers(server);
    token = await login(server, "admin");
    await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
    const lab = await created("/api/labs", { name: "A 力学室" });
    const add = async (key: string, body: object, cert = false) => {
      ids[key] = await created("/api/instruments", { labId: lab, ...body });
      if (cert) await created(`/api/instruments/${ids[key]}/certificates`, certificate(`C-${key}`, isoDay(-30), isoDay(300)));
    };
    // Listed first, as the registry lists them: the form used to offer these by role alone.
    await add("fluke", { maker: "Fluke", model: "5522A", serial: "F1", role: "reference", quantity: "voltage", range: "0-1020 V DC/AC, 0-20.5 A", agentId: "bench-a", agentInstrumentId: "cal1" }, true);
    await add("dmm", { maker: "Keysight", model: "34465A", serial: "K1", role: "uut", quantity: "voltage", range: "100 mV-1000 V DC", agentId: "bench-a", agentInstrumentId: "dmm1" });
    await add("weights", { maker: "Mettler Toledo", model: "E2 set", serial: "W1", role: "reference", quantity: "mass", range: "1 mg-200 g" }, true);
    await add("smallWeights", { maker: "Mettler Toledo", model: "E2 set 1 mg-100 g", serial: "W2", role: "reference", quantity: "mass", range: "1 mg-100 g" }, true);
    await add("balance", { maker: "Mettler Toledo", model: "XS204", serial: "B1", role: "uut", quantity: "mass", range: "220 g / 0.1 mg", agentId: "bench-a", agentInstrumentId: "bal1" });
    // Registered as a balance, but the bench reads that port with a DMM's driver.
    await add("wrongDriver", { maker: "Acme", model: "B-1", serial: "B2", role: "uut", quantity: "mass", range: "0-500 g", agentId: "bench-a", agentInstrumentId: "x1" });
    await server.store.announceHello({
      protocol: PROTOCOL_VERSION,
      agentId: "bench-a",
      name: "Bench A",
      software: "test",
      instruments: [instrument("cal1", "fluke-5522a", "reference"), instrument("dmm1", "keysight-34465a", "uut"), instrument("bal1", "mettler-toledo-balance", "uut"), instrument("x1", "keysight-34465a", "uut")],
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses the calibrator as the weights and the DMM as the balance, naming what does not fit", async () => {
    const asWeights = await balanceJob({ weights: ids["fluke"]!, balance: ids["balance"]! });
    expect(asWeights.statusCode).toBe(400);
    expect(asWeights.json()).toMatchObject({ code: "TC_ERR_JOB_BINDING_UNFIT", message: expect.stringContaining("equipment weights: Fluke 5522A F1 does not fit: it measures voltage, the procedure mass") });
    const asBalance = await balanceJob({ weights: ids["weights"]!, balance: ids["dmm"]! });
    expect(asBalance.json()).toMatchObject({ code: "TC_ERR_JOB_BINDING_UNFIT", message: expect.stringContaining("equipment balance: Keysight 34465A K1") });
  });

  it("refuses a range that does not hold every point, and a bench instrument read by another driver", async () => {
    const small = (await balanceJob({ weights: ids["smallWeights"]!, balance: ids["balance"]! })).json<{ code: string; message: string }>();
    expect(small.code).toBe("TC_ERR_JOB_BINDING_UNFIT");
    expect(small.message).toContain("has range 1 mg-100 g, which does not hold 200 g");
    const driver = (await balanceJob({ weights: ids["weights"]!, balance: ids["wrongDriver"]! })).json<{ code: string; message: string }>();
    expect(driver.code).toBe("TC_ERR_JOB_BINDING_UNFIT");
    expect(driver.message).toContain("is read by driver keysight-34465a, the procedure needs mettler-toledo-balance");
  });

  it("offers the form only the instruments that fit, and creates the job with them", async () => {
    const res = await server.app.inject({ method: "GET", url: "/api/procedures/balance-jjg1036/candidates?agentId=bench-a", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json<BindingCandidates>().candidates).toEqual({ weights: [ids["weights"]], balance: [ids["balance"]] });
    const dmmCandidates = await server.app.inject({ method: "GET", url: "/api/procedures/dmm-dcv-jjf1587/candidates?agentId=bench-a", headers: { authorization: `Bearer ${token}` } });
    expect(dmmCandidates.json<BindingCandidates>().candidates).toEqual({ calibrator: [ids["fluke"]], dmm: [ids["dmm"]] });
    expect((await balanceJob({ weights: ids["weights"]!, balance: ids["balance"]! })).statusCode).toBe(201);
  });
});
