import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import { TelecalError } from "@telecal/protocols";
import type { FastifyInstance } from "fastify";

/**
 * Serves the built web app at `/`, with index.html for any unknown non-API path so that client-side
 * routes survive a reload. Unknown /api paths get a registry 404.
 */
export async function registerWeb(app: FastifyInstance, webRoot: string | null): Promise<void> {
  const hasWeb = webRoot !== null && existsSync(join(webRoot, "index.html"));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ["index.html"] });
  } else {
    app.log.warn({ webRoot }, "web app not built: run `npm run build`; serving the API only");
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (hasWeb && request.method === "GET" && !path.startsWith("/api/") && !path.startsWith("/socket.io")) {
      return reply.sendFile("index.html");
    }
    const e = new TelecalError("TC_ERR_NOT_FOUND", { method: request.method, url: path });
    return reply.status(e.status).send(e.toBody());
  });
}
