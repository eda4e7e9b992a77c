import { MediaTicket } from "@telecal/protocols";
import { request } from "../../api/client";

/** Our ticket into a media room: given only if the room's lesson lets us in. */
export async function fetchMediaTicket(room: string): Promise<MediaTicket> {
  return MediaTicket.parse(await request("POST", `/api/media/rooms/${encodeURIComponent(room)}/ticket`));
}
