import type { Procedure } from "@telecal/metrology";
import { type CreateJobRequest, type JobBinding, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { RegistryRepository } from "../registry/repository";
import type { Schema } from "../store/schema";

/** Every equipment that runs on the bench or is a reference standard is bound to a registry instrument of the agent's organisation. */
export async function bindEquipment(db: Kysely<Schema>, procedure: Procedure, body: CreateJobRequest, organisation: string, visible: Set<string>): Promise<Record<string, JobBinding>> {
  const known = new Set(procedure.equipment.map((e) => e.id));
  for (const equipment of Object.keys(body.binding)) {
    if (!known.has(equipment)) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `procedure ${procedure.id} has no such equipment` });
  }
  const instruments = new Map((await new RegistryRepository(db).instrumentsById(Object.values(body.binding))).map((i) => [i.id, i]));
  const binding: Record<string, JobBinding> = {};
  for (const e of procedure.equipment) {
    const instrumentId = body.binding[e.id];
    const onBench = e.drivers.length > 0;
    if (instrumentId === undefined) {
      if (onBench || e.traceable) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: "bind it to an instrument of the registry" });
      continue;
    }
    const instrument = instruments.get(instrumentId);
    if (!instrument || !visible.has(instrument.organisationId)) throw new TelecalError("TC_ERR_REGISTRY_NOT_FOUND", { kind: "instrument", id: instrumentId });
    if (instrument.organisationId !== organisation) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${instrumentId} is not of the agent's organisation` });
    if (e.traceable && instrument.role !== "reference") throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${instrumentId} is not a reference standard` });
    if (onBench && (instrument.agentId !== body.agentId || instrument.agentInstrumentId === null)) {
      throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `instrument ${instrumentId} is not on the bench of agent ${body.agentId}` });
    }
    binding[e.id] = { instrumentId, agentInstrumentId: onBench ? instrument.agentInstrumentId : null };
  }
  return binding;
}
