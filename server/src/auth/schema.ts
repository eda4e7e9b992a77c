/** The auth tables of migration 0002-auth, as Kysely sees them. Times are UTC milliseconds. */
export interface OrganisationsTable {
  id: string;
  name: string;
  kind: string;
  /** The organisation that supervises this one (0004-registry): its users may read this one's registry. */
  parent_id: string | null;
}

export interface UsersTable {
  id: string;
  organisation_id: string;
  username: string;
  display_name: string;
  role: string;
  /** scrypt$N$r$p$salt$hash (base64): the parameters travel with the hash. */
  password_hash: string;
  created_at: number;
  /** When an admin disabled the user (0010-user-disabled); null: enabled. */
  disabled_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** Last request or socket event (0010-user-disabled, updated at most once a minute); null: never since login. */
  last_used_at: number | null;
}

export interface EnrolmentTokensTable {
  token_hash: string;
  organisation_id: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by_agent: string | null;
}

export interface AuthSchema {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  enrolment_tokens: EnrolmentTokensTable;
}
