import { TelecalError } from "@telecal/protocols";

/** Course video through Janus (docs/operations.md, "Course video: Janus"). */
export interface JanusOptions {
  /** The Janus API on its HTTP transport, as the server reaches it: http://127.0.0.1:8088/janus */
  url: string;
  /** The same API as browsers reach it (behind nginx, https://...): default `url`. */
  publicUrl?: string;
  /** The VideoRoom plugin's admin_key (janus.plugin.videoroom.jcfg): Janus creates rooms only for it. */
  roomAdminKey: string;
  /** Janus's api_secret (janus.jcfg general.api_secret), when it has one. */
  apiSecret?: string;
  /** How often the server looks at who sends in each open room, to kick a sender it did not allow (default 2 s). */
  guardMs?: number;
}

export const DEFAULT_GUARD_MS = 2_000;

/** Refuses Janus settings that cannot work, at start rather than at the first lesson. */
export function checkJanusOptions(options: JanusOptions): void {
  if (!/^https?:\/\/[^/]/.test(options.url)) throw new TelecalError("TC_ERR_JANUS_CONFIG", { setting: "url", reason: `${options.url} is not an http(s) URL of Janus's HTTP transport` });
  // Browsers may reach Janus on this server's own address (a path nginx forwards), or elsewhere.
  const publicUrl = options.publicUrl;
  if (publicUrl !== undefined && !/^(https?:\/\/[^/]|\/[^/])/.test(publicUrl)) {
    throw new TelecalError("TC_ERR_JANUS_CONFIG", { setting: "publicUrl", reason: `${publicUrl} is neither an http(s) URL nor a path on this server` });
  }
  if (!options.roomAdminKey) throw new TelecalError("TC_ERR_JANUS_CONFIG", { setting: "roomAdminKey", reason: "give the VideoRoom plugin's admin_key (TELECAL_JANUS_ROOM_KEY)" });
  const guard = options.guardMs;
  if (guard !== undefined && (!Number.isInteger(guard) || guard < 100)) throw new TelecalError("TC_ERR_JANUS_CONFIG", { setting: "guardMs", reason: "a whole number of milliseconds, at least 100" });
}

/** The origin browsers call Janus at, when it is not this server's own: the page's CSP lets it in. */
export function janusOrigins(options: JanusOptions): string[] {
  const url = options.publicUrl ?? options.url;
  return url.startsWith("/") ? [] : [new URL(url).origin];
}

/**
 * JanusOptions from `--janus URL` (or TELECAL_JANUS_URL) and the environment: TELECAL_JANUS_PUBLIC_URL,
 * TELECAL_JANUS_ROOM_KEY, TELECAL_JANUS_API_SECRET. Secrets are read from the environment only,
 * never argv. No URL: no Janus (course video falls back to the mesh).
 */
export function janusOptionsFrom(url: string | undefined, env: NodeJS.ProcessEnv): JanusOptions | undefined {
  const janus = url ?? (env["TELECAL_JANUS_URL"] || undefined);
  if (janus === undefined) return undefined;
  const publicUrl = env["TELECAL_JANUS_PUBLIC_URL"] || undefined;
  const apiSecret = env["TELECAL_JANUS_API_SECRET"] || undefined;
  return {
    url: janus.replace(/\/+$/, ""),
    roomAdminKey: env["TELECAL_JANUS_ROOM_KEY"] ?? "",
    ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, "") } : {}),
    ...(apiSecret ? { apiSecret } : {}),
  };
}
