import { JobBindings, parseJson } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import { RegistryRepository } from "../registry/repository";
import type { Schema } from "../store/schema";
import type { JobHistory } from "./run-records";
import type { JobDetails, LoadedJob } from "./views";

/**
 * What a job's view shows beside its row and run: who cancelled it and why, when its run began,
 * its unit under test as the registry names it (the list's item and serial), and its technician.
 */
export async function jobDetails(db: Kysely<Schema>, users: AuthRepository, job: LoadedJob, history: JobHistory): Promise<JobDetails> {
  const binding = parseJson(JobBindings, job.row.binding, `binding of job ${job.row.id}`, "TC_ERR_STORED_INVALID");
  const uut = job.procedure.equipment.find((e) => e.role === "uut");
  const bound = uut ? binding[uut.id] : undefined;
  const instrument = bound ? await new RegistryRepository(db).instrument(bound.instrumentId) : undefined;
  const technician = await users.user(job.row.technician_id);
  const cancelled = history.cancelled;
  return {
    cancelled: cancelled ? { by: cancelled.by, at: cancelled.at, reason: cancelled.reason } : null,
    startedAt: history.events[0]?.at ?? null,
    item: instrument ? { instrumentId: instrument.id, maker: instrument.maker, model: instrument.model, serial: instrument.serial } : null,
    technician: technician ? { username: technician.username, displayName: technician.displayName } : null,
  };
}
