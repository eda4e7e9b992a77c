import type { AddCertificateRequest, CreateInstrumentRequest, UserInfo } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";

const DAY_MS = 86_400_000;

/** A calendar day (UTC) so many days from now. */
const fromToday = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

type DemoInstrument = Omit<CreateInstrumentRequest, "labId" | "agentId" | "agentInstrumentId"> & {
  /** The instrument's id in the demo agent's config, when the demo agent reads it. */
  bench?: string;
  certificate?: Omit<AddCertificateRequest, "issuer">;
};

const INSTITUTE = "演示省计量科学研究院 Demo provincial institute of metrology";

/**
 * A county lab as it would stand in the registry: its reference standards with their own certificates
 * (the PACE due in 12 days, so the due-soon warning shows) and the units under test on the bench.
 */
const DEMO_INSTRUMENTS: DemoInstrument[] = [
  {
    bench: "cal1",
    maker: "Fluke",
    model: "5522A",
    serial: "9876543",
    role: "reference",
    quantity: "voltage",
    range: "0-1020 V DC/AC, 0-20.5 A",
    certificate: {
      number: "DLjl2026-00417",
      issuedOn: fromToday(-60),
      dueOn: fromToday(305),
      values: [
        { quantity: "voltage", nominal: 1, value: 1.0000009, unit: "V", uncertainty: 0.0000025, k: 2 },
        { quantity: "voltage", nominal: 10, value: 10.000008, unit: "V", uncertainty: 0.000012, k: 2 },
        { quantity: "voltage", nominal: 100, value: 100.00011, unit: "V", uncertainty: 0.00018, k: 2 },
      ],
    },
  },
  {
    bench: "pace1",
    maker: "GE Druck",
    model: "PACE5000",
    serial: "3213456",
    role: "reference",
    quantity: "pressure",
    range: "0-2 MPa gauge",
    certificate: {
      number: "LXyl2025-01182",
      issuedOn: fromToday(-353),
      dueOn: fromToday(12),
      values: [{ quantity: "pressure", nominal: 1000, value: 1000.08, unit: "kPa", uncertainty: 0.2, k: 2 }],
    },
  },
  {
    bench: "ref1",
    maker: "Fluke Calibration (Hart)",
    model: "1524",
    serial: "A2B345",
    role: "reference",
    quantity: "temperature",
    range: "-200-660 °C (with SPRT)",
    certificate: {
      number: "RGwd2026-00233",
      issuedOn: fromToday(-120),
      dueOn: fromToday(245),
      values: [{ quantity: "temperature", nominal: 0.01, value: 0.0102, unit: "°C", uncertainty: 0.006, k: 2 }],
    },
  },
  {
    maker: "Mettler Toledo",
    model: "E2 weight set 1 mg-200 g",
    serial: "W2019-017",
    role: "reference",
    quantity: "mass",
    range: "1 mg-200 g",
    certificate: {
      number: "LXzl2026-00098",
      issuedOn: fromToday(-200),
      dueOn: fromToday(165),
      values: [{ quantity: "mass", nominal: 100, value: 100.00003, unit: "g", uncertainty: 0.00005, k: 2 }],
    },
  },
  { bench: "dmm1", maker: "Keysight Technologies", model: "34465A", serial: "MY59001234", role: "uut", quantity: "voltage", range: "100 mV-1000 V DC" },
  { bench: "tm-01", maker: "演示仪表厂 Demo instruments", model: "DT-100", serial: "DT2026-0042", role: "uut", quantity: "temperature", range: "-50-300 °C / 0.01 °C" },
  { bench: "bal1", maker: "Mettler Toledo", model: "XS204", serial: "B123456789", role: "uut", quantity: "mass", range: "220 g / 0.1 mg" },
];

/**
 * The demo lab in the registry, made by the demo admin through the registry service (so each step
 * is a registry record too): only in a data dir created just now, like the demo users.
 */
export async function createDemoRegistry(server: TelecalServer, organisationId: string, agentId: string): Promise<string[]> {
  const admin = (await server.store.auth.users(organisationId)).find((u: UserInfo) => u.role === "admin");
  if (!admin) return [];
  const lab = await server.registry.createLab(admin, { name: "演示电学力学实验室 Demo lab", address: "演示县计量站 1 号楼", region: "演示省演示县" });
  const added: string[] = [];
  for (const { bench, certificate, ...instrument } of DEMO_INSTRUMENTS) {
    const binding = bench === undefined ? {} : { agentId, agentInstrumentId: bench };
    const created = await server.registry.createInstrument(admin, { labId: lab.id, ...instrument, ...binding });
    if (certificate) await server.registry.addCertificate(admin, created.id, { ...certificate, issuer: INSTITUTE });
    added.push(`${instrument.maker} ${instrument.model}`);
  }
  return added;
}
