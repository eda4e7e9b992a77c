import { TelecalError } from "@telecal/protocols";
import type { FastifyInstance } from "fastify";

/** Always served: the machine itself, however it is named. */
export const LOCAL_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower case, without the port. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") < 0 ? undefined : h.indexOf("]"));
  const colon = h.indexOf(":");
  // A bare IPv6 address has several colons and no port.
  return colon >= 0 && h.indexOf(":", colon + 1) < 0 ? h.slice(0, colon) : h;
}

function hostOfUrl(url: string): string | undefined {
  try {
    return hostName(new URL(url).host);
  } catch {
    return undefined;
  }
}

/**
 * The host names this server answers to: the listed ones, or by default the local names, the public
 * address (TELECAL_PUBLIC_URL), a specific listening address and the hosts of the allowed origins.
 * `*` turns the check off.
 */
export function allowedHostsFor(options: { allowedHosts?: readonly string[]; publicUrl?: string; host?: string; allowedOrigins?: readonly string[] }): ReadonlySet<string> {
  if (options.allowedHosts?.length) return new Set(options.allowedHosts.map((h) => hostName(h)));
  const hosts = new Set(LOCAL_HOSTS);
  const publicUrl = options.publicUrl ?? process.env["TELECAL_PUBLIC_URL"];
  const extra = [publicUrl, ...(options.allowedOrigins ?? [])].map((u) => (u ? hostOfUrl(u) : undefined));
  for (const h of extra) if (h) hosts.add(h);
  if (options.host && options.host !== "0.0.0.0" && options.host !== "::") hosts.add(hostName(options.host.includes(":") ? `[${options.host}]` : options.host));
  return hosts;
}

/** Refuses a Host this server does not serve (the DNS-rebinding shape), with the host named. */
export function checkHost(header: string | undefined, allowed: ReadonlySet<string>): void {
  if (allowed.has("*")) return;
  const host = header === undefined ? "" : hostName(header);
  if (!allowed.has(host)) throw new TelecalError("TC_ERR_HOST_NOT_ALLOWED", { host: header ?? "(none)" });
}

/** Every HTTP request is checked first; sockets are checked at their handshake (socket-auth.ts). */
export function refuseUnknownHosts(app: FastifyInstance, allowed: ReadonlySet<string>): void {
  app.addHook("onRequest", async (request) => checkHost(request.headers.host, allowed));
}
