/** The table of migration 0006-sessions, as Kysely sees it. */
export interface InstrumentLeasesTable {
  instrument_id: string;
  /** The fencing epoch: rises at each grant, revoke and release, never falls. */
  epoch: number;
  /** The job whose session the lease was last changed in. */
  job_id: string | null;
  holder_user_id: string | null;
  /** SessionUser JSON of the holder; null when nobody holds the lease. */
  holder: string | null;
  /** "user:<id>" of who granted the current lease. */
  granted_by: string | null;
  changed_at: number;
}

/** The table of migration 0011-lease-requests: requests for control not yet answered. */
export interface LeaseRequestsTable {
  instrument_id: string;
  user_id: string;
  /** SessionUser JSON of who asked. */
  user: string;
  asked_at: number;
}

export interface SessionsSchema {
  instrument_leases: InstrumentLeasesTable;
  lease_requests: LeaseRequestsTable;
}
