import { randomUUID } from "node:crypto";
import {
  type AddCertificateRequest,
  type AgentListEntry,
  type CreateInstrumentRequest,
  type CreateLabRequest,
  type Instrument,
  type Lab,
  type ReferenceCertificate,
  type RegistryWarning,
  TelecalError,
  type Usability,
  type UserInfo,
} from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import { DEFAULT_DUE_SOON_DAYS, usabilityOf, utcDay } from "./due-dates";
import { type InstrumentFilter, RegistryRepository } from "./repository";

export interface RegistryOptions {
  /** Days before a due date from which a reference standard is due soon. */
  dueSoonDays: number;
}

/** The record log's stream of registry changes. */
export const REGISTRY_STREAM = "registry";

type Change = "lab-created" | "instrument-created" | "certificate-added";

/** Who asks, and which organisations' registries that user may read (own, and those it supervises). */
interface Scope {
  user: UserInfo;
  visible: ReadonlySet<string>;
}

/**
 * The lab registry as users see it. Every method that takes a user checks the organisation itself:
 * an item of an organisation the user may not see is reported as not found, one the user may only
 * read is refused as read-only. Each change is stored with its registry-change record in one
 * transaction, so that neither exists without the other.
 */
export class RegistryService {
  private readonly repo: RegistryRepository;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectName,
    readonly options: RegistryOptions = { dueSoonDays: DEFAULT_DUE_SOON_DAYS },
  ) {
    this.repo = new RegistryRepository(db);
  }

  async createLab(user: UserInfo, body: CreateLabRequest, now = Date.now()): Promise<Lab> {
    const lab: Lab = { id: randomUUID(), organisationId: user.organisation.id, ...body, createdBy: actorOf(user), createdAt: now };
    await this.change(user, "lab-created", lab, { kind: "lab", key: body.name }, (repo) => repo.insertLab(lab), now);
    return lab;
  }

  async labs(user: UserInfo): Promise<Lab[]> {
    return this.repo.labs([...(await this.scope(user)).visible]);
  }

  async createInstrument(user: UserInfo, body: CreateInstrumentRequest, now = Date.now()): Promise<Instrument> {
    const scope = await this.scope(user);
    const lab = await this.repo.lab(body.labId);
    if (!lab || !scope.visible.has(lab.organisationId)) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "lab", id: body.labId });
    ownOrReadOnly(scope, "lab", lab.id, lab.organisationId);
    // An agent can only be bound to instruments of the organisation it was enrolled into.
    if (body.agentId !== undefined && (await this.repo.agentOrganisation(body.agentId)) !== lab.organisationId) {
      throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "agent", id: body.agentId });
    }
    const { agentId, agentInstrumentId, ...rest } = body;
    const instrument: Instrument = {
      id: randomUUID(),
      ...rest,
      organisationId: lab.organisationId,
      agentId: agentId ?? null,
      agentInstrumentId: agentInstrumentId ?? null,
      createdBy: actorOf(user),
      createdAt: now,
    };
    const key = (err: unknown) =>
      /binding|agent_id/.test(conflictText(err)) ? `bound to ${agentId}/${agentInstrumentId}` : `${body.maker} ${body.model} ${body.serial} in lab ${lab.name}`;
    await this.change(user, "instrument-created", instrument, { kind: "instrument", key }, (repo) => repo.insertInstrument(instrument), now);
    return instrument;
  }

  async instruments(user: UserInfo, filter: InstrumentFilter = {}): Promise<Instrument[]> {
    return this.repo.instruments([...(await this.scope(user)).visible], filter);
  }

  /** One instrument the user may see, or TC_ERR_REGISTRY_NOT_FOUND. */
  async instrument(user: UserInfo, id: string): Promise<Instrument> {
    return this.visibleInstrument(await this.scope(user), id);
  }

  async addCertificate(user: UserInfo, instrumentId: string, body: AddCertificateRequest, now = Date.now()): Promise<ReferenceCertificate> {
    const scope = await this.scope(user);
    const instrument = await this.visibleInstrument(scope, instrumentId);
    ownOrReadOnly(scope, "instrument", instrument.id, instrument.organisationId);
    if (instrument.role !== "reference") throw new TelecalError("TC_ERR_NOT_A_REFERENCE", { instrument: instrumentId });
    const certificate: ReferenceCertificate = { id: randomUUID(), instrumentId, ...body, createdBy: actorOf(user), createdAt: now };
    const conflict = { kind: "certificate", key: `${body.number} of instrument ${instrumentId}` };
    await this.change(user, "certificate-added", certificate, conflict, (repo) => repo.insertCertificate(certificate), now);
    return certificate;
  }

  async certificates(user: UserInfo, instrumentId: string): Promise<ReferenceCertificate[]> {
    await this.visibleInstrument(await this.scope(user), instrumentId);
    return this.repo.certificates([instrumentId]);
  }

  /**
   * Per instrument, in the order asked, whether it may serve as a reference standard at `at`. No
   * organisation check: callers (jobs, sessions) have checked that the user may see the instruments.
   */
  async usability(instrumentIds: readonly string[], at = Date.now(), dueSoonDays = this.options.dueSoonDays): Promise<Usability[]> {
    const instruments = new Map((await this.repo.instrumentsById(instrumentIds)).map((i) => [i.id, i]));
    const certificates = await this.repo.certificates([...instruments.keys()]);
    const on = utcDay(at);
    return instrumentIds.map((id) => {
      const instrument = instruments.get(id);
      if (!instrument) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "instrument", id });
      return usabilityOf(instrument, certificates.filter((c) => c.instrumentId === id), on, dueSoonDays);
    });
  }

  /**
   * For a new job: refuses the first reference standard that is past due (TC_ERR_STANDARD_PAST_DUE)
   * or has no certificate in force (TC_ERR_STANDARD_NO_CERTIFICATE). Units under test pass; a
   * standard due soon passes, and its entry in the answer is the warning to show.
   */
  async assertUsableForJob(instrumentIds: readonly string[], at = Date.now()): Promise<Usability[]> {
    const usability = await this.usability(instrumentIds, at);
    for (const u of usability) {
      if (u.status === "past-due") throw new TelecalError("TC_ERR_STANDARD_PAST_DUE", { instrument: u.instrumentId, dueOn: u.dueOn });
      if (u.status === "no-certificate") throw new TelecalError("TC_ERR_STANDARD_NO_CERTIFICATE", { instrument: u.instrumentId, on: utcDay(at) });
    }
    return usability;
  }

  /** The user's visible reference standards that are due soon, past due or without a certificate. */
  async warnings(user: UserInfo, at = Date.now(), dueSoonDays = this.options.dueSoonDays): Promise<RegistryWarning[]> {
    const references = await this.repo.instruments([...(await this.scope(user)).visible], { role: "reference" });
    const usability = await this.usability(references.map((i) => i.id), at, dueSoonDays);
    return references.flatMap((i, n) => {
      const u = usability[n]!;
      if (u.status === "ok") return [];
      return [{ ...u, labId: i.labId, organisationId: i.organisationId, maker: i.maker, model: i.model, serial: i.serial }];
    });
  }

  /** Enrolled agents of the organisations the user may see, `online` if in the caller's set. */
  async agents(user: UserInfo, online: () => Promise<ReadonlySet<string>>): Promise<AgentListEntry[]> {
    const agents = await this.repo.agents([...(await this.scope(user)).visible]);
    const now = await online();
    return agents.map((a) => ({ ...a, online: now.has(a.agentId) }));
  }

  /** The ids of the agents whose data the user may read: those of the organisations it may see. */
  async visibleAgentIds(user: UserInfo): Promise<Set<string>> {
    return new Set((await this.repo.agents([...(await this.scope(user)).visible])).map((a) => a.agentId));
  }

  private async scope(user: UserInfo): Promise<Scope> {
    return { user, visible: new Set(await this.repo.visibleOrganisations(user.organisation.id)) };
  }

  private async visibleInstrument(scope: Scope, id: string): Promise<Instrument> {
    const instrument = await this.repo.instrument(id);
    if (!instrument || !scope.visible.has(instrument.organisationId)) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "instrument", id });
    return instrument;
  }

  /** Stores a change and its record in one transaction; a duplicate becomes TC_ERR_REGISTRY_CONFLICT. */
  private async change(
    user: UserInfo,
    change: Change,
    item: Lab | Instrument | ReferenceCertificate,
    conflict: { kind: string; key: string | ((err: unknown) => string) },
    store: (repo: RegistryRepository) => Promise<void>,
    now: number,
  ): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await store(new RegistryRepository(trx));
        const payload = { change, organisationId: user.organisation.id, item };
        await appendRecord(recordsDb(trx), this.dialect, { kind: "registry-change", stream: REGISTRY_STREAM, actor: actorOf(user), payload }, now);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const key = typeof conflict.key === "function" ? conflict.key(err) : conflict.key;
      throw new TelecalError("TC_ERR_REGISTRY_CONFLICT", { kind: conflict.kind, key }, { cause: err });
    }
  }
}

function actorOf(user: UserInfo): string {
  return `user:${user.id}`;
}

function ownOrReadOnly(scope: Scope, kind: string, id: string, organisation: string): void {
  if (organisation !== scope.user.organisation.id) throw new TelecalError("TC_ERR_REGISTRY_READ_ONLY", { kind, id, organisation });
}

/** PostgreSQL 23505, or SQLite's UNIQUE / PRIMARY KEY constraint. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The violated constraint's name (PostgreSQL) or columns (SQLite). */
function conflictText(err: unknown): string {
  const e = err as { constraint?: string; message?: string };
  return `${e.constraint ?? ""} ${e.message ?? ""}`;
}
