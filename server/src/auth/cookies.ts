import { SESSION_COOKIE } from "@telecal/protocols";

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookie(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * A malformed escape (`%E0%A4%A`) is no token at all: undefined, so the request is answered 401
 * TC_ERR_AUTH_REQUIRED like any request without a session, not 500.
 */
function decodeCookie(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** HttpOnly so page scripts never see it; SameSite=Lax so other sites cannot post with it. */
export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/**
 * The session token of a request: `Authorization: Bearer T` first, then the session cookie.
 */
export function tokenFromHeaders(headers: { authorization?: string | undefined; cookie?: string | undefined }): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  return bearer?.[1] ?? readCookie(headers.cookie, SESSION_COOKIE);
}
