import { z } from "zod";
import { Id } from "./ids";
import { InstrumentRole } from "./instrument";

/** The lab registry (docs/registry.md): labs, their instruments, and each reference standard's certificates. */

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 is refused). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  // Runs even when the pattern failed (zod checks do not stop at the first), so it must not throw.
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().startsWith(s);
  }, "not a calendar date");
export type IsoDate = z.infer<typeof IsoDate>;

/** POST /api/labs (admin): a lab of the admin's own organisation. */
export const CreateLabRequest = z.strictObject({
  name: Text(128),
  address: z.string().trim().max(256).default(""),
  /** Administrative region, e.g. 浙江省杭州市淳安县. */
  region: z.string().trim().max(128).default(""),
});
export type CreateLabRequest = z.infer<typeof CreateLabRequest>;

export const Lab = z.strictObject({
  id: Id,
  organisationId: Id,
  name: z.string(),
  address: z.string(),
  region: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type Lab = z.infer<typeof Lab>;

export const LabList = z.strictObject({ labs: z.array(Lab) });

/** POST /api/instruments (admin, or a technician of the lab's organisation). */
export const CreateInstrumentRequest = z
  .strictObject({
    labId: Id,
    maker: Text(128),
    model: Text(128),
    serial: Text(128),
    role: InstrumentRole,
    /** What it measures or sources: "voltage", "mass", "pressure" ... */
    quantity: Text(64),
    /** Free text as on the data sheet: "0-1000 V DC", "220 g / 0.1 mg". */
    range: z.string().trim().max(128).default(""),
    /** Binding to what an agent reads: the agent, and the instrument id in that agent's config. */
    agentId: Id.optional(),
    agentInstrumentId: Id.optional(),
  })
  .refine((b) => (b.agentId === undefined) === (b.agentInstrumentId === undefined), {
    message: "agentId and agentInstrumentId go together",
    path: ["agentInstrumentId"],
  });
export type CreateInstrumentRequest = z.infer<typeof CreateInstrumentRequest>;

export const Instrument = z.strictObject({
  id: Id,
  labId: Id,
  organisationId: Id,
  maker: z.string(),
  model: z.string(),
  serial: z.string(),
  role: InstrumentRole,
  quantity: z.string(),
  range: z.string(),
  agentId: Id.nullable(),
  agentInstrumentId: Id.nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type Instrument = z.infer<typeof Instrument>;

export const InstrumentList = z.strictObject({ instruments: z.array(Instrument) });

export const InstrumentsQuery = z.strictObject({ labId: Id.optional(), role: InstrumentRole.optional() });

export const RegistryIdParams = z.strictObject({ id: Id });

/** One reported value of a certificate: at a point, the value found and its expanded uncertainty. */
export const ReportedValue = z.strictObject({
  quantity: Text(64),
  /** Nominal (set) value of the point. */
  nominal: z.number().finite(),
  /** Value the calibration lab reported. */
  value: z.number().finite(),
  unit: Text(32),
  /** Expanded uncertainty U, in `unit`. */
  uncertainty: z.number().finite().nonnegative(),
  /** Coverage factor of U. */
  k: z.number().finite().positive().default(2),
});
export type ReportedValue = z.infer<typeof ReportedValue>;

/** A reference certificate's reported values, as the registry stores them. */
export const ReportedValues = z.array(ReportedValue);

/** POST /api/instruments/:id/certificates (admin): the reference standard's own calibration certificate. */
export const AddCertificateRequest = z
  .strictObject({
    number: Text(64),
    issuer: Text(128),
    issuedOn: IsoDate,
    /** The last day the certificate is valid (inclusive, UTC): docs/registry.md. */
    dueOn: IsoDate,
    values: z.array(ReportedValue).min(1).max(500),
  })
  .refine((c) => c.dueOn > c.issuedOn, { message: "dueOn must be after issuedOn", path: ["dueOn"] });
export type AddCertificateRequest = z.infer<typeof AddCertificateRequest>;

export const ReferenceCertificate = z.strictObject({
  id: Id,
  instrumentId: Id,
  number: z.string(),
  issuer: z.string(),
  issuedOn: IsoDate,
  dueOn: IsoDate,
  values: z.array(ReportedValue),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type ReferenceCertificate = z.infer<typeof ReferenceCertificate>;

export const CertificateList = z.strictObject({ certificates: z.array(ReferenceCertificate) });

/** Whether an instrument may serve as a reference standard on a day (docs/registry.md, Due dates). */
export const UsabilityStatus = z.enum(["ok", "due-soon", "past-due", "no-certificate", "not-a-reference"]);
export type UsabilityStatus = z.infer<typeof UsabilityStatus>;

export const Usability = z.strictObject({
  instrumentId: Id,
  status: UsabilityStatus,
  /** The certificate in force (or the last one, when past due); null without one. */
  certificateNumber: z.string().nullable(),
  dueOn: IsoDate.nullable(),
  /** Whole days from the day asked about to the due date: 0 on the due date, negative past it. */
  daysLeft: z.number().int().nullable(),
});
export type Usability = z.infer<typeof Usability>;

export const RegistryWarning = Usability.extend({
  labId: Id,
  organisationId: Id,
  maker: z.string(),
  model: z.string(),
  serial: z.string(),
});
export type RegistryWarning = z.infer<typeof RegistryWarning>;

export const WarningsQuery = z.strictObject({
  /** Days before the due date that count as due soon; the server's setting by default. */
  days: z.coerce.number().int().min(0).max(3650).optional(),
});

/** GET /api/registry/warnings: the caller's visible reference standards that are not simply ok. */
export const WarningsResponse = z.strictObject({
  /** The UTC day evaluated. */
  on: IsoDate,
  dueSoonDays: z.number().int(),
  warnings: z.array(RegistryWarning),
});
export type WarningsResponse = z.infer<typeof WarningsResponse>;

/** GET /api/agents: an enrolled agent of a visible organisation, online now or not. */
export const AgentListEntry = z.strictObject({
  agentId: Id,
  name: z.string(),
  organisationId: Id,
  online: z.boolean(),
  firstSeen: z.number(),
  lastSeen: z.number(),
});
export type AgentListEntry = z.infer<typeof AgentListEntry>;

export const AgentList = z.strictObject({ agents: z.array(AgentListEntry) });
