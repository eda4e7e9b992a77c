import { z } from "zod";
import { Id } from "./ids";

/** What a user may do is decided by role; every route and socket event names the roles it admits. */
export const ROLES = ["admin", "expert", "technician", "trainer", "trainee"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A provincial institute supervises city and county stations. */
export const OrganisationKind = z.enum(["provincial-institute", "city-station", "county-station"]);
export type OrganisationKind = z.infer<typeof OrganisationKind>;

/** The cookie the web app's session travels in (HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = "telecal_session";

const Username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 letters, digits, '.', '_' or '-'");
const Password = z.string().min(1).max(1024);

/** POST /api/auth/login */
export const LoginRequest = z.strictObject({ username: Username, password: Password });
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The token also arrives as the session cookie; API clients send it as `Authorization: Bearer`. */
export const LoginResponse = z.strictObject({ token: z.string(), expiresAt: z.number() });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const Organisation = z.strictObject({ id: Id, name: z.string(), kind: OrganisationKind });
export type Organisation = z.infer<typeof Organisation>;

/** GET /api/auth/me, and a user as GET /api/users lists it. */
export const UserInfo = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  organisation: Organisation,
});
export type UserInfo = z.infer<typeof UserInfo>;

export const MeResponse = z.strictObject({ user: UserInfo, expiresAt: z.number() });
export type MeResponse = z.infer<typeof MeResponse>;

export const UserList = z.strictObject({ users: z.array(UserInfo) });
export type UserList = z.infer<typeof UserList>;

/** POST /api/users: an admin adds a user to the admin's own organisation. */
export const CreateUserRequest = z.strictObject({
  username: Username,
  displayName: z.string().min(1).max(128),
  role: Role,
  password: z.string().min(8).max(1024),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** The user an admin route acts on: /api/users/:id/... */
export const UserIdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** PUT /api/users/:id/password: an admin sets a user's password (the user's sessions end). */
export const SetPasswordRequest = z.strictObject({ password: z.string().min(8).max(1024) });
export type SetPasswordRequest = z.infer<typeof SetPasswordRequest>;

/** The answer of the admin routes on a user: how many of the user's sessions (and their sockets) ended. */
export const UserChangeResponse = z.strictObject({ ok: z.literal(true), sessionsEnded: z.number().int() });
export type UserChangeResponse = z.infer<typeof UserChangeResponse>;

/** POST /api/agents/enrolment-tokens (admin): a one-time token for one agent of the admin's organisation. */
export const EnrolmentTokenRequest = z.strictObject({
  /** How long the token may wait to be used; 1 minute to 7 days, default 1 hour. */
  ttlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
});
export type EnrolmentTokenRequest = z.infer<typeof EnrolmentTokenRequest>;

export const EnrolmentTokenResponse = z.strictObject({ token: z.string(), expiresAt: z.number() });
export type EnrolmentTokenResponse = z.infer<typeof EnrolmentTokenResponse>;

/** POST /api/agents/enroll: the agent proves it holds a token and registers its Ed25519 public key. */
export const EnrollRequest = z.strictObject({
  token: z.string().min(1).max(256),
  agentId: Id,
  name: z.string().min(1).max(128),
  /** SPKI, PEM-encoded Ed25519 public key. */
  publicKey: z.string().min(1).max(4096),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

/** The credential is shown once; the server keeps only its hash. */
export const EnrollResponse = z.strictObject({ agentId: Id, credential: z.string(), organisationId: Id });
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** socket.io `auth` payload on /agent. */
export const AgentSocketAuth = z.strictObject({ agentId: Id, credential: z.string().min(1).max(256) });
export type AgentSocketAuth = z.infer<typeof AgentSocketAuth>;

/** socket.io `auth` payload on /ui; a browser sends none and is identified by its session cookie. */
export const UiSocketAuth = z.strictObject({ token: z.string().min(1).max(256).optional() });
export type UiSocketAuth = z.infer<typeof UiSocketAuth>;

export const OkResponse = z.strictObject({ ok: z.literal(true) });
