import { z } from "zod";

/**
 * Every error telecal reports to a peer or a user is declared here, once, with a stable code, an
 * HTTP status and a message template. docs/errors.md lists the same table; a test keeps them equal.
 * A retired code is never reused.
 */
export const ERRORS = {
  TC_ERR_VALIDATION: { status: 400, message: "{what} is invalid: {issues}" },
  TC_ERR_PROTOCOL_VERSION: {
    status: 400,
    message: "agent speaks protocol version {agent}, this server speaks version {server}",
  },
  TC_ERR_HELLO_REQUIRED: { status: 409, message: "send hello before {event}" },
  TC_ERR_UNKNOWN_EVENT: { status: 400, message: "unknown event {event}" },
  TC_ERR_UNKNOWN_STREAM: { status: 404, message: "stream {stream} was not announced in hello" },
  TC_ERR_SEQ_GAP: {
    status: 409,
    message: "stream {stream}: batch starts at seq {first}, expected at most {expected}",
  },
  TC_ERR_NOT_FOUND: { status: 404, message: "{method} {url} not found" },
  TC_ERR_INTERNAL: { status: 500, message: "internal error: {reason}" },
  TC_ERR_CONFIG_READ: { status: 400, message: "{file}: cannot read: {reason}" },
  TC_ERR_CONFIG_INVALID: { status: 400, message: "{file}:{line}: {key}: {reason}" },
  TC_ERR_UNKNOWN_SIMULATOR: { status: 404, message: "no simulator named {name} (telecal sim --list)" },
  TC_ERR_UNKNOWN_DRIVER: { status: 404, message: "no driver named {name}" },
  TC_ERR_INSTRUMENT_TIMEOUT: {
    status: 504,
    message: "{instrument}: no reply to {command} within {ms} ms",
  },
  TC_ERR_INSTRUMENT_ERROR: {
    status: 502,
    message: "{instrument}: instrument error {code} {text} after {command}",
  },
  TC_ERR_INSTRUMENT_REPLY: {
    status: 502,
    message: "{instrument}: cannot parse reply {reply} to {command}",
  },
  TC_ERR_TRANSPORT_CLOSED: { status: 503, message: "{instrument}: link to {target} is down" },
  TC_ERR_STORE_FAILED: { status: 503, message: "the store could not take {what}; nothing of it was stored" },
  TC_ERR_STORE_MIGRATION: { status: 500, message: "migration {name} failed on {database}: {reason}" },
  TC_ERR_DATABASE_URL: { status: 400, message: "{url} is not a database URL: use postgres://... or sqlite:FILE" },
  TC_ERR_RECORD_NOT_FOUND: { status: 404, message: "record {id} not found" },
  TC_ERR_NO_CHECKPOINT: { status: 404, message: "no signed checkpoint of the record log yet" },
  TC_ERR_RECORD_NOT_CHECKPOINTED: {
    status: 409,
    message: "record {id} is not covered by the latest checkpoint (size {size}) yet; ask again after the next one",
  },
  TC_ERR_RECORDS_KEY: { status: 500, message: "record signing key {path}: {reason}" },
  TC_ERR_AUTH_REQUIRED: { status: 401, message: "sign in first: {what} needs an authenticated user or agent" },
  TC_ERR_AUTH_BAD_PASSWORD: { status: 401, message: "wrong username or password" },
  TC_ERR_AUTH_INVALID_TOKEN: { status: 401, message: "the session token is unknown or was ended by logout" },
  TC_ERR_AUTH_EXPIRED: { status: 401, message: "the session expired at {expiredAt}; sign in again" },
  TC_ERR_AUTH_FORBIDDEN: { status: 403, message: "role {role} may not {what}" },
  TC_ERR_AUTH_RATE_LIMITED: { status: 429, message: "too many sign-in attempts for {key}; try again in {seconds} s" },
  TC_ERR_AUTH_ORIGIN: { status: 403, message: "origin {origin} is not allowed to connect" },
  TC_ERR_AUTH_ENROLMENT_TOKEN: { status: 401, message: "the enrolment token is unknown, already used or expired" },
  TC_ERR_AUTH_AGENT_CREDENTIAL: { status: 401, message: "agent {agentId}: missing or wrong agent credential" },
  TC_ERR_AUTH_AGENT_MISMATCH: { status: 403, message: "this connection is enrolled as agent {enrolled}, not {claimed}" },
  TC_ERR_AUTH_AGENT_EXISTS: { status: 409, message: "agent {agentId} is already enrolled" },
  TC_ERR_AUTH_USER_EXISTS: { status: 409, message: "user {username} already exists" },
  TC_ERR_BAD_SIGNATURE: { status: 401, message: "reading batch {stream}#{seq} of agent {agentId}: {reason}" },
  // Procedures and their runs.
  TC_ERR_PROCEDURE_INVALID: { status: 400, message: "procedure {file}: {path}: {reason}" },
  TC_ERR_UNKNOWN_PROCEDURE: { status: 404, message: "no procedure {name}; known: {known}" },
  TC_ERR_STEP_OUT_OF_ORDER: { status: 409, message: "step {step}: {reason}" },
  TC_ERR_JOB_BINDING: { status: 400, message: "equipment {equipment}: {reason}" },
  TC_ERR_JOB_NOT_FOUND: { status: 404, message: "job {job} not found in the jobs your organisation may see" },
  TC_ERR_JOB_PEOPLE: { status: 400, message: "{part} {username}: {reason}" },
  TC_ERR_JOB_FORBIDDEN: { status: 403, message: "{who} may not {what} in job {job}" },
  TC_ERR_REGISTRY_NOT_FOUND: { status: 404, message: "{kind} {id} not found in the registry of your organisation" },
  TC_ERR_REGISTRY_READ_ONLY: {
    status: 403,
    message: "{kind} {id} belongs to organisation {organisation}: you may read it, not change it",
  },
  TC_ERR_REGISTRY_CONFLICT: { status: 409, message: "{kind} {key} is already registered" },
  TC_ERR_NOT_A_REFERENCE: {
    status: 409,
    message: "instrument {instrument} is a unit under test, not a reference standard: it has no certificate of its own",
  },
  TC_ERR_STANDARD_PAST_DUE: {
    status: 409,
    message: "reference standard {instrument} was due for calibration on {dueOn}: it cannot be used in a new job",
  },
  TC_ERR_STANDARD_NO_CERTIFICATE: {
    status: 409,
    message: "reference standard {instrument} has no calibration certificate in force on {on}: it cannot be used in a new job",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** The shape every error takes on the wire: socket acks, `problem` events and REST bodies. */
export const ErrorBody = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function formatError(code: ErrorCode, params: Record<string, unknown>): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (_, key: string) =>
    key in params ? String(params[key]) : `{${key}}`,
  );
}

export class TelecalError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Record<string, unknown>;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(formatError(code, params), options);
    this.name = "TelecalError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.params = params;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isTelecalError(err: unknown, code?: ErrorCode): err is TelecalError {
  return err instanceof TelecalError && (code === undefined || err.code === code);
}

/** Turns zod issues into one line that names each bad key, for TC_ERR_VALIDATION. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

export function validationError(what: string, error: z.ZodError): TelecalError {
  return new TelecalError("TC_ERR_VALIDATION", { what, issues: describeIssues(error) });
}
