import { TelecalError } from "@telecal/protocols";
import { type Kysely, type Migration, Migrator } from "kysely";
import { initial } from "./migrations/0001-initial";
import { auth } from "./migrations/0002-auth";
import { records } from "./migrations/0003-records";
import { registry } from "./migrations/0004-registry";
import { jobs } from "./migrations/0005-jobs";
import { sessions } from "./migrations/0006-sessions";
import { certificates } from "./migrations/0007-certificates";
import { certificateJob } from "./migrations/0008-certificate-job";
import { signerKeyLifecycle } from "./migrations/0009-signer-key-lifecycle";
import { userDisabled } from "./migrations/0010-user-disabled";
import { leaseRequests } from "./migrations/0011-lease-requests";
import { agentKeys } from "./migrations/0012-agent-keys";
import { checkpointChain } from "./migrations/0013-checkpoint-chain";
import { witness } from "./migrations/0014-witness";
import { courses } from "./migrations/0015-courses";
import { trainingCertificates } from "./migrations/0016-training-certificates";

/** Every migration, in order of name. A released migration is never edited; a change is a new one. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001-initial": initial,
  "0002-auth": auth,
  "0003-records": records,
  "0004-registry": registry,
  "0005-jobs": jobs,
  "0006-sessions": sessions,
  "0007-certificates": certificates,
  "0008-certificate-job": certificateJob,
  "0009-signer-key-lifecycle": signerKeyLifecycle,
  "0010-user-disabled": userDisabled,
  "0011-lease-requests": leaseRequests,
  "0012-agent-keys": agentKeys,
  "0013-checkpoint-chain": checkpointChain,
  "0014-witness": witness,
  "0015-courses": courses,
  "0016-training-certificates": trainingCertificates,
};

/**
 * Brings the schema up to date; applied migrations are recorded in kysely_migration, so running it
 * again is a no-op. Each migration runs in a transaction. Returns the names applied now.
 */
export async function migrate<DB>(db: Kysely<DB>, where: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error")?.migrationName ?? "(setup)";
    throw new TelecalError(
      "TC_ERR_STORE_MIGRATION",
      { name: failed, database: where, reason: error instanceof Error ? error.message : JSON.stringify(error) },
      { cause: error },
    );
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
