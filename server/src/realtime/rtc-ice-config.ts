import { createHmac } from "node:crypto";
import { type IceTransportPolicy, type RtcConfig, type RtcIceServer, TelecalError } from "@telecal/protocols";

/** STUN and TURN for the browsers' RTCPeerConnection (docs/operations.md, "Video: STUN and TURN"). */
export interface RtcOptions {
  /** stun:host:port URLs; no credentials. */
  stunUrls?: string[];
  /** turn:/turns: URLs of a coturn run with use-auth-secret; needs turnSecret. */
  turnUrls?: string[];
  /** coturn's static-auth-secret. */
  turnSecret?: string;
  /** How long a TURN credential lasts, in seconds (default 6 h: an allocation cannot refresh past it). */
  turnTtlSeconds?: number;
  /** "relay": browsers use TURN only (media always through coturn). */
  iceTransportPolicy?: IceTransportPolicy;
}

export const DEFAULT_TURN_TTL_SECONDS = 6 * 3600;

function checkUrls(setting: string, urls: readonly string[], schemes: RegExp): void {
  for (const url of urls) {
    if (!schemes.test(url)) throw new TelecalError("TC_ERR_RTC_CONFIG", { setting, reason: `${url} is not a ${String(schemes)} URL` });
  }
}

/** Refuses settings that cannot work, at start rather than in every browser. */
export function checkRtcOptions(options: RtcOptions): void {
  checkUrls("stunUrls", options.stunUrls ?? [], /^stuns?:/);
  checkUrls("turnUrls", options.turnUrls ?? [], /^turns?:/);
  if ((options.turnUrls ?? []).length > 0 && !options.turnSecret) {
    throw new TelecalError("TC_ERR_RTC_CONFIG", { setting: "turnSecret", reason: "TURN URLs need coturn's static-auth-secret (TELECAL_TURN_SECRET)" });
  }
  if (options.iceTransportPolicy === "relay" && (options.turnUrls ?? []).length === 0) {
    throw new TelecalError("TC_ERR_RTC_CONFIG", { setting: "iceTransportPolicy", reason: "relay only needs TURN URLs" });
  }
  const ttl = options.turnTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60)) {
    throw new TelecalError("TC_ERR_RTC_CONFIG", { setting: "turnTtlSeconds", reason: "a whole number of seconds, at least 60" });
  }
}

/**
 * TURN REST credentials as coturn's use-auth-secret checks them: the username is
 * `<expiry unix seconds>:<userId>`, the password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredential(secret: string, userId: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${userId}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** What GET /api/rtc/config answers to one user now. */
export function rtcConfigFor(options: RtcOptions, userId: string, now = Date.now()): RtcConfig {
  const iceServers: RtcIceServer[] = [];
  if ((options.stunUrls ?? []).length > 0) iceServers.push({ urls: [...options.stunUrls!] });
  let expiresAt: number | undefined;
  if ((options.turnUrls ?? []).length > 0 && options.turnSecret) {
    const expirySeconds = Math.floor(now / 1000) + (options.turnTtlSeconds ?? DEFAULT_TURN_TTL_SECONDS);
    iceServers.push({ urls: [...options.turnUrls!], ...turnCredential(options.turnSecret, userId, expirySeconds) });
    expiresAt = expirySeconds * 1000;
  }
  return {
    iceServers,
    ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

const list = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter((u) => u !== "");

/** RtcOptions from the environment: TELECAL_STUN_URLS, TELECAL_TURN_URLS, TELECAL_TURN_SECRET, TELECAL_TURN_TTL, TELECAL_ICE_TRANSPORT_POLICY. */
export function rtcOptionsFromEnv(env: NodeJS.ProcessEnv): RtcOptions {
  const policy = env["TELECAL_ICE_TRANSPORT_POLICY"];
  if (policy !== undefined && policy !== "" && policy !== "all" && policy !== "relay") {
    throw new TelecalError("TC_ERR_RTC_CONFIG", { setting: "TELECAL_ICE_TRANSPORT_POLICY", reason: `${policy} is neither all nor relay` });
  }
  const ttl = env["TELECAL_TURN_TTL"];
  return {
    stunUrls: list(env["TELECAL_STUN_URLS"]),
    turnUrls: list(env["TELECAL_TURN_URLS"]),
    ...(env["TELECAL_TURN_SECRET"] ? { turnSecret: env["TELECAL_TURN_SECRET"] } : {}),
    ...(ttl ? { turnTtlSeconds: Number(ttl) } : {}),
    ...(policy ? { iceTransportPolicy: policy } : {}),
  };
}
