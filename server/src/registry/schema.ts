/** The registry tables of migration 0004-registry, as Kysely sees them. Times are UTC milliseconds. */
export interface LabsTable {
  id: string;
  organisation_id: string;
  name: string;
  address: string;
  region: string;
  /** "user:<id>", as in the record log. */
  created_by: string;
  created_at: number;
}

export interface InstrumentsTable {
  id: string;
  lab_id: string;
  maker: string;
  model: string;
  serial: string;
  role: string;
  quantity: string;
  range: string;
  agent_id: string | null;
  /** The instrument's id in its agent's config (agent.yaml), so readings can be tied to it. */
  agent_instrument_id: string | null;
  created_by: string;
  created_at: number;
}

export interface ReferenceCertificatesTable {
  id: string;
  instrument_id: string;
  number: string;
  issuer: string;
  /** YYYY-MM-DD. */
  issued_on: string;
  /** YYYY-MM-DD, the last day the certificate is valid. */
  due_on: string;
  /** ReportedValue[] as JSON. */
  reported_values: string;
  created_by: string;
  created_at: number;
}

export interface RegistrySchema {
  labs: LabsTable;
  instruments: InstrumentsTable;
  reference_certificates: ReferenceCertificatesTable;
}
