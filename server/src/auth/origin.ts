/**
 * A browser always sends Origin on a WebSocket or cross-site request; a page of another site must
 * not open a socket with the user's cookie. Allowed: the server's own host (as the Host header
 * names it, either scheme, since TLS may end at a proxy) and the configured origins. Non-browser
 * peers (agents, scripts) send no Origin and authenticate with a credential or bearer token.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return host !== undefined && (url.protocol === "http:" || url.protocol === "https:") && url.host === host;
  } catch {
    return false;
  }
}
