import { isTelecalError, type UserInfo } from "@telecal/protocols";
import { REGISTRY_STREAM, RegistryService, Store, verifyLog } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrator, certificate, dmm } from "../../fakes/registry";

export interface RegistryTarget {
  name: string;
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isTelecalError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a refusal, got success");
}

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

/** The registry's repository and service, the same on every database the server runs on. */
export function registrySuite(target: RegistryTarget): void {
  describe(`registry on ${target.name}`, () => {
    let store: Store;
    let registry: RegistryService;
    /** Admin of the provincial institute, of the county station it supervises, of an unrelated city. */
    let province: UserInfo;
    let county: UserInfo;
    let city: UserInfo;
    let countyExpert: UserInfo;

    const registryRecords = async () => (await store.records.page(0, 10_000)).filter((r) => r.stream === REGISTRY_STREAM);

    beforeAll(async () => {
      store = await Store.open(await target.setUp());
      registry = new RegistryService(store.db, store.dialect, { dueSoonDays: 30 });
      await store.auth.createOrganisation("zj-institute", "浙江省计量院", "provincial-institute");
      await store.auth.createOrganisation("chunan", "淳安县计量站", "county-station", "zj-institute");
      await store.auth.createOrganisation("other-city", "某市计量站", "city-station");
      const user = (organisationId: string, username: string, role: "admin" | "expert" = "admin") =>
        store.auth.createUser({ organisationId, username, displayName: username, role, password: "long-enough-1" });
      province = await user("zj-institute", "zj-admin");
      county = await user("chunan", "chunan-admin");
      city = await user("other-city", "city-admin");
      countyExpert = await user("chunan", "chunan-expert", "expert");
    });
    afterAll(async () => {
      await store?.close();
      await target.tearDown();
    });

    it("stores labs, instruments and certificates and reads them back; each change is one registry record", async () => {
      const before = (await registryRecords()).length;
      const lab = await registry.createLab(county, { name: "电学实验室", address: "千岛湖镇 1 号", region: "浙江省杭州市淳安县" });
      expect(lab).toMatchObject({ organisationId: "chunan", name: "电学实验室", createdBy: `user:${county.id}` });
      const cal = await registry.createInstrument(county, calibrator(lab.id));
      const uut = await registry.createInstrument(countyExpert, dmm(lab.id));
      expect(cal).toMatchObject({ labId: lab.id, organisationId: "chunan", role: "reference", agentId: null, agentInstrumentId: null });
      const cert = await registry.addCertificate(county, cal.id, certificate("DLzj2026-0001", "2026-01-10", "2027-01-09"));
      expect(cert.values[0]).toEqual({ quantity: "voltage", nominal: 10, value: 10.000012, unit: "V", uncertainty: 0.000015, k: 2 });

      expect(await registry.labs(county)).toEqual([lab]);
      expect(await registry.instrument(county, cal.id)).toEqual(cal);
      expect((await registry.instruments(county, { labId: lab.id })).map((i) => i.id).sort()).toEqual([cal.id, uut.id].sort());
      expect((await registry.instruments(county, { role: "uut" })).map((i) => i.id)).toEqual([uut.id]);
      expect(await registry.certificates(county, cal.id)).toEqual([cert]);

      const records = (await registryRecords()).slice(before);
      expect(records.map((r) => [r.kind, (JSON.parse(r.payload) as { change: string }).change, r.actor])).toEqual([
        ["registry-change", "lab-created", `user:${county.id}`],
        ["registry-change", "instrument-created", `user:${county.id}`],
        ["registry-change", "instrument-created", `user:${countyExpert.id}`],
        ["registry-change", "certificate-added", `user:${county.id}`],
      ]);
      expect((JSON.parse(records[3]!.payload) as { item: unknown }).item).toEqual(cert);
      expect((await verifyLog(store.db)).ok).toBe(true);
    });

    it("a parent organisation reads its stations' registry but cannot change it; others see nothing", async () => {
      const lab = await registry.createLab(county, { name: "力学实验室", address: "", region: "" });
      const cal = await registry.createInstrument(county, calibrator(lab.id, "V-1"));
      expect((await registry.labs(province)).map((l) => l.id)).toContain(lab.id);
      expect((await registry.instrument(province, cal.id)).id).toBe(cal.id);
      expect(await registry.certificates(province, cal.id)).toEqual([]);
      expect(await refusal(registry.createInstrument(province, calibrator(lab.id, "V-2")))).toBe("TC_ERR_REGISTRY_READ_ONLY");
      expect(await refusal(registry.addCertificate(province, cal.id, certificate("X", "2026-01-01", "2027-01-01")))).toBe("TC_ERR_REGISTRY_READ_ONLY");

      expect((await registry.labs(city)).map((l) => l.id)).not.toContain(lab.id);
      expect(await registry.instruments(city)).toEqual([]);
      expect(await refusal(registry.instrument(city, cal.id))).toBe("TC_ERR_REGISTRY_NOT_FOUND");
      expect(await refusal(registry.certificates(city, cal.id))).toBe("TC_ERR_REGISTRY_NOT_FOUND");
      expect(await refusal(registry.createInstrument(city, calibrator(lab.id, "V-3")))).toBe("TC_ERR_REGISTRY_NOT_FOUND");
      expect(await refusal(registry.addCertificate(city, cal.id, certificate("X", "2026-01-01", "2027-01-01")))).toBe("TC_ERR_REGISTRY_NOT_FOUND");

      // Supervision goes down only: the station does not read the institute's registry.
      const provincialLab = await registry.createLab(province, { name: "省院电学室", address: "", region: "" });
      expect((await registry.labs(county)).map((l) => l.id)).not.toContain(provincialLab.id);
    });

    it("refuses duplicates and certificates of units under test, storing nothing and appending no record", async () => {
      const lab = await registry.createLab(county, { name: "热学实验室", address: "", region: "" });
      await registry.createInstrument(county, calibrator(lab.id, "DUP-1"));
      const uut = await registry.createInstrument(county, dmm(lab.id, "DUP-U"));
      await store.auth.issueAgentCredential("chunan-bench", "bench", "chunan", null);
      const bound = await registry.createInstrument(county, calibrator(lab.id, "B-1", { agentId: "chunan-bench", agentInstrumentId: "cal1" }));
      expect(bound).toMatchObject({ agentId: "chunan-bench", agentInstrumentId: "cal1" });
      await registry.addCertificate(county, bound.id, certificate("C-1", "2026-01-01", "2027-01-01"));
      const records = (await registryRecords()).length;
      const instruments = (await registry.instruments(county)).length;

      expect(await refusal(registry.createLab(county, { name: "热学实验室", address: "", region: "" }))).toBe("TC_ERR_REGISTRY_CONFLICT");
      expect(await refusal(registry.createInstrument(county, calibrator(lab.id, "DUP-1")))).toBe("TC_ERR_REGISTRY_CONFLICT");
      const binding = await registry
        .createInstrument(county, calibrator(lab.id, "B-2", { agentId: "chunan-bench", agentInstrumentId: "cal1" }))
        .catch((e: unknown) => e);
      expect(isTelecalError(binding, "TC_ERR_REGISTRY_CONFLICT") && binding.message).toContain("bound to chunan-bench/cal1");
      expect(await refusal(registry.addCertificate(county, bound.id, certificate("C-1", "2026-02-01", "2027-02-01")))).toBe("TC_ERR_REGISTRY_CONFLICT");
      expect(await refusal(registry.addCertificate(county, uut.id, certificate("U-1", "2026-01-01", "2027-01-01")))).toBe("TC_ERR_NOT_A_REFERENCE");
      // An agent of another organisation (or none) cannot be bound.
      await store.auth.issueAgentCredential("city-bench", "bench", "other-city", null);
      expect(await refusal(registry.createInstrument(county, calibrator(lab.id, "B-3", { agentId: "city-bench", agentInstrumentId: "x" })))).toBe("TC_ERR_REGISTRY_NOT_FOUND");
      expect(await refusal(registry.createInstrument(county, calibrator(lab.id, "B-4", { agentId: "nobody", agentInstrumentId: "x" })))).toBe("TC_ERR_REGISTRY_NOT_FOUND");

      expect((await registryRecords()).length).toBe(records);
      expect((await registry.instruments(county)).length).toBe(instruments);
      expect((await verifyLog(store.db)).ok).toBe(true);
    });

    it("usability: ok, due soon from 30 days before through the due date, past due the day after; the latest certificate in force counts", async () => {
      const lab = await registry.createLab(county, { name: "压力实验室", address: "", region: "" });
      const cal = await registry.createInstrument(county, calibrator(lab.id, "U-1"));
      const none = await registry.createInstrument(county, calibrator(lab.id, "U-2"));
      const uut = await registry.createInstrument(county, dmm(lab.id, "U-3"));
      await registry.addCertificate(county, cal.id, certificate("OLD", "2025-06-01", "2026-06-30"));
      await registry.addCertificate(county, cal.id, certificate("NEW", "2026-06-15", "2027-06-14"));
      const status = async (on: string, id = cal.id) => (await registry.usability([id], day(on)))[0];

      expect(await status("2025-05-31")).toMatchObject({ status: "no-certificate", certificateNumber: null });
      expect(await status("2026-05-30")).toMatchObject({ status: "ok", certificateNumber: "OLD", daysLeft: 31 });
      expect(await status("2026-05-31")).toMatchObject({ status: "due-soon", certificateNumber: "OLD", daysLeft: 30 });
      expect(await status("2026-06-14")).toMatchObject({ status: "due-soon", certificateNumber: "OLD", daysLeft: 16 });
      // From its issue day the new certificate is the one in force.
      expect(await status("2026-06-15")).toMatchObject({ status: "ok", certificateNumber: "NEW", dueOn: "2027-06-14" });
      expect(await status("2027-06-14")).toMatchObject({ status: "due-soon", daysLeft: 0 });
      expect(await status("2027-06-15")).toMatchObject({ status: "past-due", certificateNumber: "NEW", daysLeft: -1 });
      expect(await status("2027-06-14", uut.id)).toMatchObject({ status: "not-a-reference" });
      expect(await status("2027-06-14", none.id)).toMatchObject({ status: "no-certificate" });
      expect((await registry.usability([cal.id], day("2026-05-30"), 45))[0]?.status).toBe("due-soon");

      // The last moment of the due date (UTC) still passes; the first of the next day does not.
      expect((await registry.assertUsableForJob([cal.id, uut.id], Date.parse("2027-06-14T23:59:59.999Z"))).map((u) => u.status)).toEqual([
        "due-soon",
        "not-a-reference",
      ]);
      const late = await registry.assertUsableForJob([uut.id, cal.id], Date.parse("2027-06-15T00:00:00Z")).catch((e: unknown) => e);
      expect(isTelecalError(late, "TC_ERR_STANDARD_PAST_DUE") && late.message).toBe(
        `reference standard ${cal.id} was due for calibration on 2027-06-14: it cannot be used in a new job`,
      );
      expect(await refusal(registry.assertUsableForJob([none.id], day("2026-07-01")))).toBe("TC_ERR_STANDARD_NO_CERTIFICATE");
      expect(await refusal(registry.assertUsableForJob(["no-such-instrument"], day("2026-07-01")))).toBe("TC_ERR_REGISTRY_NOT_FOUND");
    });

    it("warnings list the visible standards that are not ok", async () => {
      const lab = await registry.createLab(county, { name: "质量实验室", address: "", region: "" });
      const soon = await registry.createInstrument(county, calibrator(lab.id, "W-1"));
      const fine = await registry.createInstrument(county, calibrator(lab.id, "W-2"));
      await registry.addCertificate(county, soon.id, certificate("W-1", "2030-01-01", "2031-01-10"));
      await registry.addCertificate(county, fine.id, certificate("W-2", "2030-01-01", "2031-12-31"));
      const warnings = await registry.warnings(province, day("2031-01-01"));
      expect(warnings.find((w) => w.instrumentId === soon.id)).toMatchObject({ status: "due-soon", daysLeft: 9, labId: lab.id, organisationId: "chunan", serial: "W-1" });
      expect(warnings.find((w) => w.instrumentId === fine.id)).toBeUndefined();
      expect(await registry.warnings(city, day("2031-01-01"))).toEqual([]);
    });

    it("lists the enrolled agents of visible organisations with what the hub says of online", async () => {
      await store.auth.issueAgentCredential("chunan-lab2", "淳安 2", "chunan", null, 1_000);
      const agents = await registry.agents(province, () => Promise.resolve(new Set(["chunan-lab2"])));
      expect(agents.find((a) => a.agentId === "chunan-lab2")).toEqual({
        agentId: "chunan-lab2",
        name: "淳安 2",
        organisationId: "chunan",
        online: true,
        firstSeen: 1_000,
        lastSeen: 1_000,
      });
      expect((await registry.agents(city, () => Promise.resolve(new Set<string>()))).map((a) => a.agentId)).not.toContain("chunan-lab2");
    });
  });
}
