import { type AgentListEntry, type Instrument, type InstrumentRole, type Lab, parseJson, type ReferenceCertificate, ReportedValues } from "@telecal/protocols";
import type { Kysely, Selectable } from "kysely";
import type { Schema } from "../store/schema";
import type { InstrumentsTable, LabsTable, ReferenceCertificatesTable } from "./schema";

export interface InstrumentFilter {
  labId?: string;
  role?: InstrumentRole;
}

/** Rows of the registry tables, as API objects. No authorisation here: the service decides who may. */
export class RegistryRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** An organisation and those it supervises (one level down): what its users may read. */
  /** The institute that supervises an organisation, if any. */
  async parentOf(organisationId: string): Promise<string | null> {
    const row = await this.db.selectFrom("organisations").select("parent_id").where("id", "=", organisationId).executeTakeFirst();
    return row?.parent_id ?? null;
  }

  async visibleOrganisations(organisationId: string): Promise<string[]> {
    const children = await this.db.selectFrom("organisations").select("id").where("parent_id", "=", organisationId).orderBy("id").execute();
    return [organisationId, ...children.map((c) => c.id)];
  }

  async insertLab(lab: Lab): Promise<void> {
    await this.db
      .insertInto("labs")
      .values({
        id: lab.id,
        organisation_id: lab.organisationId,
        name: lab.name,
        address: lab.address,
        region: lab.region,
        created_by: lab.createdBy,
        created_at: lab.createdAt,
      })
      .execute();
  }

  async labs(organisations: readonly string[]): Promise<Lab[]> {
    const rows = await this.db.selectFrom("labs").selectAll().where("organisation_id", "in", organisations).orderBy("name").orderBy("id").execute();
    return rows.map(toLab);
  }

  async lab(id: string): Promise<Lab | undefined> {
    const row = await this.db.selectFrom("labs").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toLab(row);
  }

  async insertInstrument(i: Instrument): Promise<void> {
    await this.db
      .insertInto("instruments")
      .values({
        id: i.id,
        lab_id: i.labId,
        maker: i.maker,
        model: i.model,
        serial: i.serial,
        role: i.role,
        quantity: i.quantity,
        range: i.range,
        agent_id: i.agentId,
        agent_instrument_id: i.agentInstrumentId,
        created_by: i.createdBy,
        created_at: i.createdAt,
      })
      .execute();
  }

  async instruments(organisations: readonly string[], filter: InstrumentFilter = {}): Promise<Instrument[]> {
    const rows = await this.instrumentQuery()
      .where("labs.organisation_id", "in", organisations)
      .$if(filter.labId !== undefined, (q) => q.where("instruments.lab_id", "=", filter.labId!))
      .$if(filter.role !== undefined, (q) => q.where("instruments.role", "=", filter.role!))
      .orderBy("instruments.lab_id")
      .orderBy("instruments.maker")
      .orderBy("instruments.model")
      .orderBy("instruments.serial")
      .execute();
    return rows.map(toInstrument);
  }

  async instrumentsById(ids: readonly string[]): Promise<Instrument[]> {
    if (ids.length === 0) return [];
    const rows = await this.instrumentQuery().where("instruments.id", "in", ids).execute();
    return rows.map(toInstrument);
  }

  async instrument(id: string): Promise<Instrument | undefined> {
    return (await this.instrumentsById([id]))[0];
  }

  async insertCertificate(c: ReferenceCertificate): Promise<void> {
    await this.db
      .insertInto("reference_certificates")
      .values({
        id: c.id,
        instrument_id: c.instrumentId,
        number: c.number,
        issuer: c.issuer,
        issued_on: c.issuedOn,
        due_on: c.dueOn,
        reported_values: JSON.stringify(c.values),
        created_by: c.createdBy,
        created_at: c.createdAt,
      })
      .execute();
  }

  /** Certificates of the instruments, latest due date first. */
  async certificates(instrumentIds: readonly string[]): Promise<ReferenceCertificate[]> {
    if (instrumentIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("reference_certificates")
      .selectAll()
      .where("instrument_id", "in", instrumentIds)
      .orderBy("due_on", "desc")
      .orderBy("number")
      .execute();
    return rows.map(toCertificate);
  }

  /** The organisation an agent was enrolled into; undefined for an unknown or never enrolled agent. */
  async agentOrganisation(agentId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("agents").select("organisation_id").where("id", "=", agentId).executeTakeFirst();
    return row?.organisation_id ?? undefined;
  }

  /** Enrolled agents of the organisations; `online` comes from the live hub, not the database. */
  async agents(organisations: readonly string[]): Promise<Omit<AgentListEntry, "online">[]> {
    const rows = await this.db.selectFrom("agents").selectAll().where("organisation_id", "in", organisations).orderBy("id").execute();
    return rows.map((r) => ({ agentId: r.id, name: r.name, organisationId: r.organisation_id!, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }

  private instrumentQuery() {
    return this.db.selectFrom("instruments").innerJoin("labs", "labs.id", "instruments.lab_id").selectAll("instruments").select("labs.organisation_id");
  }
}

function toLab(r: Selectable<LabsTable>): Lab {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    name: r.name,
    address: r.address,
    region: r.region,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function toInstrument(r: Selectable<InstrumentsTable> & { organisation_id: string }): Instrument {
  return {
    id: r.id,
    labId: r.lab_id,
    organisationId: r.organisation_id,
    maker: r.maker,
    model: r.model,
    serial: r.serial,
    role: r.role as InstrumentRole,
    quantity: r.quantity,
    range: r.range,
    agentId: r.agent_id,
    agentInstrumentId: r.agent_instrument_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

function toCertificate(r: Selectable<ReferenceCertificatesTable>): ReferenceCertificate {
  return {
    id: r.id,
    instrumentId: r.instrument_id,
    number: r.number,
    issuer: r.issuer,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    values: parseJson(ReportedValues, r.reported_values, `reported values of certificate ${r.id}`, "TC_ERR_STORED_INVALID"),
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
