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
  TC_ERR_UNKNOWN_STREAM: { status: 404, message: "stream {stream} is not known: its agent did not announce it, or it is not yours to see" },
  TC_ERR_SEQ_GAP: {
    status: 409,
    message: "stream {stream}: batch starts at seq {first}, expected at most {expected}",
  },
  TC_ERR_FIRST_SEQ_SKIPPED: {
    status: 409,
    message: "stream {stream}: nothing of it is stored and its first batch starts at seq {first}; seqs 0 to {last} need a gap record from the agent first",
  },
  TC_ERR_UNIT_MISMATCH: { status: 422, message: "reading batch {stream} from seq {first}: unit {unit}, but the stream was announced in {announced}" },
  TC_ERR_SEQ_CONFLICT: { status: 409, message: "stream {stream}: seq {seq} is stored with other content ({reason}); possible tampering at the bench" },
  TC_ERR_RESERVED_ID: { status: 400, message: "instrument or stream id {id} is reserved: {reason}" },
  TC_ERR_NOT_FOUND: { status: 404, message: "{method} {url} not found" },
  TC_ERR_INTERNAL: { status: 500, message: "internal error: {reason}" },
  TC_ERR_BAD_URL: { status: 400, message: "{url} is not a valid address" },
  TC_ERR_BODY_TOO_LARGE: { status: 413, message: "the request body is larger than this route takes: {reason}" },
  TC_ERR_MEDIA_TYPE: { status: 415, message: "this route does not take a body of type {type}" },
  TC_ERR_HEADERS_TOO_LARGE: { status: 431, message: "the request headers are too large (a huge cookie?): clear this site's cookies and sign in again" },
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
  TC_ERR_REDIS_UNREACHABLE: { status: 503, message: "Redis at {url} could not be reached: {reason}" },
  TC_ERR_DATABASE_URL: { status: 400, message: "{url} is not a database URL: use postgres://... or sqlite:FILE" },
  TC_ERR_RECORD_NOT_FOUND: { status: 404, message: "record {id} not found" },
  TC_ERR_NO_CHECKPOINT: { status: 404, message: "no signed checkpoint of the record log yet" },
  TC_ERR_RECORD_NOT_CHECKPOINTED: {
    status: 409,
    message: "record {id} is not covered by the latest checkpoint (size {size}) yet; ask again after the next one",
  },
  TC_ERR_RECORD_PAYLOAD_INVALID: { status: 422, message: "record {id} (stream {stream}, seq {seq}): its {kind} payload is invalid: {issues}" },
  TC_ERR_STORED_INVALID: { status: 500, message: "{what} as stored is invalid: {issues}" },
  TC_ERR_RECORDS_KEY: { status: 500, message: "record signing key {path}: {reason}" },
  TC_ERR_AGENT_NOT_CHECKPOINTED: {
    status: 409,
    message: "no checkpoint covers a reading batch of agent {agentId} yet; ask again after the next one",
  },
  TC_ERR_CONSISTENCY_SIZES: { status: 400, message: "no consistency proof from tree size {first} to {second}: {reason}" },
  TC_ERR_NOT_A_WITNESS: { status: 404, message: "this server witnesses no record log (start it with --witness-of URL)" },
  TC_ERR_WITNESS_UNKNOWN_LOG: { status: 404, message: "this witness has countersigned no checkpoint of log {log}" },
  TC_ERR_LOG_REGRESSED: {
    status: 500,
    message: "the record log is older than the last checkpoint this server signed: {reason} (kept in {file}); after a deliberate restore from backup, start with --accept-restored-log",
  },
  TC_ERR_CHECKPOINT_FILE: { status: 500, message: "checkpoint file {path}: {reason}" },
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
  TC_ERR_AUTH_IDLE: { status: 401, message: "the session was idle for more than {minutes} min (last used {lastUsed}); sign in again" },
  TC_ERR_AUTH_USER_DISABLED: { status: 403, message: "user {username} is disabled; ask an admin of the organisation" },
  TC_ERR_AUTH_USER_NOT_FOUND: { status: 404, message: "user {id} not found in your organisation" },
  TC_ERR_HOST_NOT_ALLOWED: { status: 421, message: "host {host} is not served here: list it with --allowed-hosts or TELECAL_ALLOWED_HOSTS" },
  TC_ERR_AUTH_DEMO_PASSWORD: {
    status: 500,
    message: "users {users} still have the demo password: set theirs with telecal user passwd NAME, or start with --demo",
  },
  TC_ERR_BAD_SIGNATURE: { status: 401, message: "reading batch or gap {stream}#{seq} of agent {agentId}: {reason}" },
  // Procedures and their runs.
  TC_ERR_PROCEDURE_INVALID: { status: 400, message: "procedure {file}: {path}: {reason}" },
  TC_ERR_UNKNOWN_PROCEDURE: { status: 404, message: "no procedure {name}; known: {known}" },
  TC_ERR_STEP_OUT_OF_ORDER: { status: 409, message: "step {step}: {reason}" },
  TC_ERR_ENVIRONMENT_OUT_OF_LIMITS: { status: 422, message: "环境{quantityZh} {value} {unit} 超出规程允许的 {min} ~ {max} {unit}；{quantity} {value} {unit} is outside the procedure's {min} to {max} {unit}: bring the room within limits and enter it again" },
  TC_ERR_JOB_BINDING: { status: 400, message: "equipment {equipment}: {reason}" },
  TC_ERR_JOB_BINDING_UNFIT: { status: 400, message: "equipment {equipment}: {instrument} does not fit: it {reason}" },
  TC_ERR_JOB_NOT_FOUND: { status: 404, message: "job {job} not found in the jobs your organisation may see" },
  TC_ERR_JOB_PEOPLE: { status: 400, message: "{part} {username}: {reason}" },
  TC_ERR_JOB_FORBIDDEN: { status: 403, message: "{who} may not {what} in job {job}" },
  TC_ERR_JOB_CLOSED: { status: 409, message: "job {job} is {state}: it cannot be {what}" },
  TC_ERR_JOB_STARTED: { status: 409, message: "job {job} has begun ({first}): its binding and people cannot change now; cancel it and create another" },
  TC_ERR_JOB_BENCH_HELD: { status: 409, message: "job {job} is held by its bench: {reason}" },
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
  // Uncertainty budgets and line fits (metrology/src/uncertainty, metrology/src/fit).
  TC_ERR_BUDGET_INVALID: { status: 400, message: "uncertainty budget {file}: {path}: {reason}" },
  TC_ERR_FIT_INVALID: { status: 400, message: "line fit {file}: {path}: {reason}" },
  // Certificates (docs/certificates.md).
  TC_ERR_CERT_NOT_FOUND: { status: 404, message: "certificate {id} was not issued by this server" },
  TC_ERR_CERT_FORMAT: { status: 400, message: "{file}: not a telecal certificate: {reason}" },
  TC_ERR_CERT_DOCTYPE: { status: 400, message: "{file}: an XML document type declaration (DTD, entities) is refused" },
  TC_ERR_CERT_DIGEST: { status: 422, message: "{file}: the content was changed after signing: {reason}" },
  TC_ERR_CERT_TOO_COMPLEX: { status: 413, message: "{file}: too large or too complex to check: {reason}" },
  TC_ERR_CERT_CHECK_BUSY: { status: 429, message: "a certificate check for {key} is still running; send the next when it has answered" },
  TC_ERR_CERT_APPENDED: {
    status: 422,
    message: "{file}: {bytes} bytes follow the signed end of the file (an appended or incremental update)",
  },
  TC_ERR_CERT_SIGNATURE: { status: 422, message: "{file}: the signature of {signer} (key {keyId}) does not verify" },
  TC_ERR_CERT_UNTRUSTED_KEY: { status: 422, message: "{file}: key {keyId} is not a known signing key of {signer}" },
  TC_ERR_CERT_KEY_REVOKED: { status: 422, message: "{file}: key {keyId} of {signer} was revoked at {revokedAt}, before this certificate was signed ({signedAt})" },
  TC_ERR_SIGNER_KEY_NOT_FOUND: { status: 404, message: "no signing key {keyId} of a user of your organisation" },
  TC_ERR_CERT_MISMATCH: { status: 422, message: "{file}: not the file issued as certificate {id}: {reason}" },
  TC_ERR_CERT_RECORDS: { status: 422, message: "{file}: the raw records it names do not match the record log: {reason}" },
  TC_ERR_CERT_RESULTS: { status: 422, message: "{file}: its results are not those of job {job}'s raw records: {reason}" },
  TC_ERR_JOB_NOT_FINISHED: { status: 409, message: "job {job} is not finished: {reason}" },
  TC_ERR_CERT_PEOPLE: { status: 400, message: "{part} {username}: {reason}" },
  TC_ERR_CERT_STATE: { status: 409, message: "certificate {id} is {status}: it cannot be {what}" },
  TC_ERR_CERT_UNDECIDED: { status: 409, message: "job {job}: {points} 待定 (conditional): an expert records a decision (accept or reject, with a comment) on each before a certificate is issued" },
  TC_ERR_JOB_DECISION: { status: 409, message: "job {job} point {point}: {reason}" },
  // Live sessions and control leases.
  TC_ERR_SESSION_NOT_JOINED: { status: 409, message: "join the session of job {job} before {what}" },
  TC_ERR_SESSION_UNKNOWN_INSTRUMENT: { status: 404, message: "instrument {instrument} is not an instrument of the bench of job {job}" },
  TC_ERR_SESSION_NOT_PARTICIPANT: { status: 409, message: "user {user} is not in the session of job {job}" },
  TC_ERR_RATE_LIMITED: { status: 429, message: "too many {what} from {key}; try again in {seconds} s" },
  TC_ERR_SOCKET_RATE_LIMITED: { status: 429, message: "too many {what} on this connection; wait {seconds} s" },
  TC_ERR_LEASE_REQUIRED: { status: 403, message: "{who} holds no control lease on instrument {instrument}; ask the technician at the bench" },
  TC_ERR_LEASE_STALE_EPOCH: {
    status: 409,
    message: "command for instrument {instrument} carries lease epoch {epoch}, the lease is at epoch {current}: control was revoked or passed on",
  },
  TC_ERR_AGENT_OFFLINE: { status: 503, message: "agent {agentId} of instrument {instrument} is not connected" },
  TC_ERR_AGENT_NO_ANSWER: { status: 504, message: "agent {agentId}: no answer to {what} within {ms} ms" },
  TC_ERR_COMMAND_NOT_GRANTED: { status: 403, message: "the bench has not allowed remote control of instrument {instrument} (remoteControl: true in the agent's config)" },
  TC_ERR_COMMAND_OUT_OF_ENVELOPE: { status: 422, message: "{value} {unit} is outside the output envelope of job {job} for instrument {instrument}: {min} to {max} {unit}" },
  TC_ERR_COMMAND_UNSUPPORTED: { status: 422, message: "instrument {instrument} cannot {command}: {reason}" },
  // Video and audio between the people of a job (protocols/src/rtc.ts).
  TC_ERR_RTC_NOT_JOINED: { status: 409, message: "join the video of job {job} before {event}" },
  TC_ERR_RTC_PEER_GONE: { status: 404, message: "peer {peer} is not in the video of job {job}" },
  TC_ERR_RTC_FULL: { status: 409, message: "the video of job {job} has {max} people already" },
  TC_ERR_RTC_CONFIG: { status: 400, message: "WebRTC setting {setting}: {reason}" },
  // Courses and live lessons (protocols/src/courses.ts, lessons.ts).
  TC_ERR_COURSE_NOT_FOUND: { status: 404, message: "course {course} not found in the courses you may see" },
  TC_ERR_COURSE_FORBIDDEN: { status: 403, message: "{who} may not {what} in course {course}: only its trainers may" },
  TC_ERR_COURSE_PEOPLE: { status: 400, message: "{part} {usernames}: {reason}" },
  TC_ERR_COURSE_INVITE_CODE: { status: 404, message: "the invite code is unknown, or its course has a new one" },
  TC_ERR_COURSE_NOT_ENROLLED: { status: 404, message: "user {user} is not enrolled in course {course}" },
  TC_ERR_TRAINING_FORBIDDEN: { status: 403, message: "{who} may not {what} of course {course}: only its trainers and the admins of its organisation may" },
  TC_ERR_TRAINING_NO_CRITERIA: { status: 409, message: "course {course} has no criteria for training certificates: a trainer of it sets them first" },
  TC_ERR_TRAINING_NOT_ENROLLED: { status: 404, message: "{trainee} is not enrolled in course {course}" },
  TC_ERR_TRAINING_NOT_MET: { status: 409, message: "{trainee} does not meet the {criterion} criterion of course {course}: {value}, at least {threshold} needed" },
  TC_ERR_TRAINING_ISSUED: { status: 409, message: "{trainee} already has training certificate {number} of course {course}" },
  TC_ERR_LESSON_NOT_FOUND: { status: 404, message: "lesson {lesson} not found in the courses you may see" },
  TC_ERR_LESSON_BENCH: { status: 400, message: "lesson bench {agent} / {procedure}: {reason}" },
  TC_ERR_LESSON_NOT_ENROLLED: { status: 403, message: "{user} is neither a trainer of course {course} nor enrolled in it: lesson {lesson} is not theirs to join" },
  TC_ERR_LESSON_NOT_JOINED: { status: 409, message: "join lesson {lesson} before {what}" },
  TC_ERR_LESSON_TRAINER_ONLY: { status: 403, message: "only a trainer of the course may {what} in lesson {lesson}" },
  TC_ERR_LESSON_MUTED: { status: 403, message: "{user} was muted in lesson {lesson} by a trainer" },
  TC_ERR_LESSON_MESSAGE_NOT_FOUND: { status: 404, message: "message {message} not found in lesson {lesson}" },
  TC_ERR_QUIZ_NOT_FOUND: { status: 404, message: "quiz {quiz} not found in lesson {lesson}" },
  TC_ERR_QUIZ_CLOSED: { status: 409, message: "quiz {quiz} is closed: answers are taken only while it is open" },
  TC_ERR_QUIZ_ANSWER: { status: 400, message: "answer to quiz {quiz}: {reason}" },
  TC_ERR_MEDIA_REFUSED: { status: 403, message: "{user} may not enter the video of {room}" },
  TC_ERR_MEDIA_NO_ROOM: { status: 404, message: "no video room {room} is open" },
  TC_ERR_JANUS: { status: 502, message: "Janus at {url}: {request}: {reason}" },
  TC_ERR_JANUS_CONFIG: { status: 400, message: "Janus setting {setting}: {reason}" },
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
