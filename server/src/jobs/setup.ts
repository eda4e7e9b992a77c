import type { Procedure } from "@telecal/metrology";
import type { JobBinding, Usability, UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { AuthRepository } from "../auth/auth-repository";
import { RegistryRepository } from "../registry/repository";
import type { RegistryService } from "../registry/service";
import type { Schema } from "../store/schema";
import { bindEquipment } from "./binding";
import { jobPerson } from "./people";

/** A job's setup as asked: the registry instrument of each equipment, the usernames of its people. */
export interface SetupRequest {
  agentId: string;
  binding: Record<string, string>;
  technician: string;
  expert: string;
}

/** A job's setup as checked: what the jobs table keeps of it. */
export interface CheckedSetup {
  binding: Record<string, JobBinding>;
  standards: Usability[];
  technician: UserInfo;
  expert: UserInfo;
}

/**
 * Checks a job's setup, at creation and at an edit alike: each equipment bound to an instrument
 * that fits it, the reference standards valid today, the technician of the agent's organisation
 * and the expert of it or of the institute supervising it.
 */
export async function checkSetup(
  deps: { db: Kysely<Schema>; registry: RegistryService; users: AuthRepository },
  procedure: Procedure,
  organisation: string,
  visible: Set<string>,
  request: SetupRequest,
  now: number,
): Promise<CheckedSetup> {
  const binding = await bindEquipment(deps.db, procedure, request, organisation, visible);
  const traceable = procedure.equipment.filter((e) => e.traceable).map((e) => binding[e.id]!.instrumentId);
  const standards = await deps.registry.assertUsableForJob(traceable, now);
  const technician = await jobPerson(deps.users, "technician", request.technician, ["technician"], [organisation]);
  const supervising = await new RegistryRepository(deps.db).parentOf(organisation);
  const expert = await jobPerson(deps.users, "expert", request.expert, ["expert"], supervising ? [organisation, supervising] : [organisation]);
  return { binding, standards, technician, expert };
}
