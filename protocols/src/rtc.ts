import { z } from "zod";
import { Role } from "./auth";
import { Id } from "./ids";

/**
 * WebRTC between the people on a job's session page: signalling over the /ui socket, one mesh per
 * job (docs/protocol.md, "Video and audio"). The server relays; media never passes through it.
 */

/** The most people in one job's mesh: each sends its media to every other, so keep it small. */
export const RTC_MAX_PEERS = 6;

/**
 * A lesson on a server without Janus uses this mesh too, under the id `lesson.<lessonId>` in the
 * `jobId` field, for MEDIA_MESH_MAX_PEOPLE tabs at most (media.ts).
 */
export function lessonMeshId(lessonId: string): string {
  return `lesson.${lessonId}`;
}

/** A peer is one browser tab: its /ui socket id. */
export const PeerId = z.string().min(1).max(64);
export type PeerId = z.infer<typeof PeerId>;

export const RtcUser = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
});
export type RtcUser = z.infer<typeof RtcUser>;

export const RtcPeer = z.strictObject({ peerId: PeerId, user: RtcUser });
export type RtcPeer = z.infer<typeof RtcPeer>;

/** RTCSessionDescriptionInit as it travels. */
export const RtcDescription = z.strictObject({
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
  sdp: z.string().max(200_000).optional(),
});
export type RtcDescription = z.infer<typeof RtcDescription>;

/** RTCIceCandidateInit as it travels (RTCIceCandidate.toJSON()). */
export const RtcCandidate = z.strictObject({
  candidate: z.string().max(4_096),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1_024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type RtcCandidate = z.infer<typeof RtcCandidate>;

/** rtc-join: enter the mesh of a job the caller may see. */
export const RtcJoin = z.strictObject({ jobId: Id });
export type RtcJoin = z.infer<typeof RtcJoin>;

export const RtcJoined = z.strictObject({ peerId: PeerId, peers: z.array(RtcPeer) });
export type RtcJoined = z.infer<typeof RtcJoined>;

const exactlyOne = (s: { description?: unknown; candidate?: unknown }) => (s.description === undefined) !== (s.candidate === undefined);
const EXACTLY_ONE = "carries either a description or a candidate, not both, not neither";

/** rtc-signal from a browser: one description or one candidate for one peer of the same job. */
export const RtcSignal = z
  .strictObject({ jobId: Id, to: PeerId, description: RtcDescription.optional(), candidate: RtcCandidate.optional() })
  .refine(exactlyOne, EXACTLY_ONE);
export type RtcSignal = z.infer<typeof RtcSignal>;

/** rtc-signal as the server relays it: `from` is the sender's peer id, set by the server. */
export const RtcSignalFrom = z
  .strictObject({ jobId: Id, from: PeerId, description: RtcDescription.optional(), candidate: RtcCandidate.optional() })
  .refine(exactlyOne, EXACTLY_ONE);
export type RtcSignalFrom = z.infer<typeof RtcSignalFrom>;

export const RtcPeerJoined = z.strictObject({ jobId: Id, peer: RtcPeer });
export type RtcPeerJoined = z.infer<typeof RtcPeerJoined>;

export const RtcPeerLeft = z.strictObject({ jobId: Id, peerId: PeerId });
export type RtcPeerLeft = z.infer<typeof RtcPeerLeft>;

/** RTCIceServer: STUN without credentials, TURN with the coturn REST credentials below. */
export const RtcIceServer = z.strictObject({
  urls: z.array(z.string().regex(/^(stun|stuns|turn|turns):/, "a stun:, stuns:, turn: or turns: URL")).min(1),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type RtcIceServer = z.infer<typeof RtcIceServer>;

export const IceTransportPolicy = z.enum(["all", "relay"]);
export type IceTransportPolicy = z.infer<typeof IceTransportPolicy>;

/**
 * GET /api/rtc/config: what a browser passes to RTCPeerConnection. No servers at all means host
 * candidates only (a LAN, loopback). TURN credentials expire at `expiresAt` (UTC ms).
 */
export const RtcConfig = z.strictObject({
  iceServers: z.array(RtcIceServer),
  iceTransportPolicy: IceTransportPolicy.optional(),
  expiresAt: z.number().optional(),
});
export type RtcConfig = z.infer<typeof RtcConfig>;

/** The /ui events of the mesh, for the namespace's list of known events. */
export const RTC_EVENTS = ["rtc-join", "rtc-signal", "rtc-leave"] as const;
