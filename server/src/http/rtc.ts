import { RtcConfig } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import { type RtcOptions, rtcConfigFor } from "../realtime/rtc-ice-config";

/** The ICE servers for a signed-in browser, with its own short-lived TURN credential. */
export function rtcRoutes(auth: Auth, options: RtcOptions): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/rtc/config",
      {
        onRequest: authorize(auth, ANY_ROLE, "use video"),
        schema: {
          summary: "STUN and TURN servers for RTCPeerConnection; TURN credentials the coturn REST way (use-auth-secret)",
          tags: ["rtc"],
          response: { 200: RtcConfig },
        },
      },
      async (request, reply) => {
        // A credential is personal and short-lived: no cache may keep or share it.
        void reply.header("cache-control", "no-store");
        return rtcConfigFor(options, principalOf(request).user.id);
      },
    );
  };
}
