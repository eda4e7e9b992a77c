import { MediaTicket } from "@telecal/protocols";
import { request } from "../../api/client";

/** Our ticket into a media room: given only if the room's lesson lets us in. */
export async function fetchMediaTicket(room: string): Promise<MediaTicket> {
  return MediaTicket.parse(await request("POST", `/api/media/rooms/${encodeURIComponent(room)}/ticket`));
}

/** Gives our ticket back as the page closes: its token leaves the allowed list and Janus kicks its participant. */
export function leaveMediaRoom(room: string, feedId: number): void {
  // keepalive: the request outlives a closing tab.
  void fetch(`/api/media/rooms/${encodeURIComponent(room)}/ticket?feed=${feedId}`, { method: "DELETE", credentials: "same-origin", keepalive: true }).catch(() => undefined);
}
