/** The jobs table of migration 0005-jobs, as Kysely sees it. JSON columns hold canonical JSON text. */
export interface JobsTable {
  id: string;
  organisation_id: string;
  procedure_id: string;
  /** The Procedure as it was when the job was created. */
  procedure: string;
  agent_id: string;
  /** Record<equipment id, JobBinding>. */
  binding: string;
  /** Usability[] of the job's reference standards at creation. */
  standards: string;
  technician_id: string;
  expert_id: string;
  created_by: string;
  created_at: number;
}

export interface JobsSchema {
  jobs: JobsTable;
}
