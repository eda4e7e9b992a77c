import { RtcConfig } from "@telecal/protocols";
import { request } from "../../api/client";

/** The ICE servers, with this user's TURN credential, as the server is configured now. */
export async function fetchRtcConfig(): Promise<RtcConfig> {
  return RtcConfig.parse(await request("GET", "/api/rtc/config"));
}
