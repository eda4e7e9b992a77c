import { equipmentMisfit, type Procedure } from "@telecal/metrology";
import { type CreateJobRequest, type Equipment, type Instrument, type JobBinding, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { RegistryRepository } from "../registry/repository";
import { AgentInstrumentsRepository } from "../store/agent-instruments-repository";
import type { Schema } from "../store/schema";

/** What a binding is checked against: the procedure, the agent's bench and its organisation. */
interface Bench {
  procedure: Procedure;
  agentId: string;
  organisation: string;
  /** The agent's instrument id → the driver it announced; empty before its first hello. */
  drivers: Map<string, string>;
}

/** Equipment a job must bind: what runs on the bench, and every reference standard. */
export const mustBind = (e: Equipment): boolean => e.drivers.length > 0 || e.traceable;

/**
 * Why this instrument cannot play this equipment in a job on this bench, or null when it can: of
 * the agent's organisation, a reference standard where one is needed, on the agent's bench for what
 * runs there, and fitting the equipment (metrology's equipmentMisfit: role, quantity, range, and the
 * driver the agent announced for it, once the agent has said hello).
 */
function refusal(bench: Bench, e: Equipment, instrument: Instrument): TelecalError | null {
  const onBench = e.drivers.length > 0;
  const id = instrument.id;
  if (instrument.organisationId !== bench.organisation) return new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${id} is not of the agent's organisation` });
  if (e.traceable && instrument.role !== "reference") return new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${id} is not a reference standard` });
  if (onBench && (instrument.agentId !== bench.agentId || instrument.agentInstrumentId === null)) {
    return new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${id} is not on the bench of agent ${bench.agentId}` });
  }
  const driver = onBench && instrument.agentInstrumentId !== null ? (bench.drivers.get(instrument.agentInstrumentId) ?? null) : null;
  const misfit = equipmentMisfit(bench.procedure, e, { ...instrument, driver });
  if (misfit === null) return null;
  return new TelecalError("TC_ERR_JOB_BINDING_UNFIT", { equipment: e.id, instrument: `${instrument.maker} ${instrument.model} ${instrument.serial}`, reason: misfit });
}

async function benchOf(db: Kysely<Schema>, procedure: Procedure, agentId: string, organisation: string): Promise<Bench> {
  return { procedure, agentId, organisation, drivers: await new AgentInstrumentsRepository(db).drivers(agentId) };
}

/** Every equipment that must be bound is bound, each to an instrument that fits it; the job's binding. */
export async function bindEquipment(db: Kysely<Schema>, procedure: Procedure, body: Pick<CreateJobRequest, "agentId" | "binding">, organisation: string, visible: Set<string>): Promise<Record<string, JobBinding>> {
  const known = new Set(procedure.equipment.map((e) => e.id));
  for (const equipment of Object.keys(body.binding)) {
    if (!known.has(equipment)) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `procedure ${procedure.id} has no such equipment` });
  }
  const instruments = new Map((await new RegistryRepository(db).instrumentsById(Object.values(body.binding))).map((i) => [i.id, i]));
  const bench = await benchOf(db, procedure, body.agentId, organisation);
  const binding: Record<string, JobBinding> = {};
  for (const e of procedure.equipment) {
    const instrumentId = body.binding[e.id];
    if (instrumentId === undefined) {
      if (mustBind(e)) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: "bind it to an instrument of the registry" });
      continue;
    }
    const instrument = instruments.get(instrumentId);
    if (!instrument || !visible.has(instrument.organisationId)) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "instrument", id: instrumentId });
    const refused = refusal(bench, e, instrument);
    if (refused) throw refused;
    binding[e.id] = { instrumentId, agentInstrumentId: e.drivers.length > 0 ? instrument.agentInstrumentId : null };
  }
  return binding;
}

/** For each equipment of the procedure, the registry instruments of the agent's organisation that may play it (what the new-job form offers). */
export async function bindingCandidates(db: Kysely<Schema>, procedure: Procedure, agentId: string, organisation: string): Promise<Record<string, string[]>> {
  const bench = await benchOf(db, procedure, agentId, organisation);
  const instruments = await new RegistryRepository(db).instruments([organisation]);
  return Object.fromEntries(procedure.equipment.map((e) => [e.id, instruments.filter((i) => refusal(bench, e, i) === null).map((i) => i.id)]));
}
