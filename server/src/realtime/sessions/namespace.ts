import {
  AnnotateSend,
  AnnotationsClear,
  ChatSend,
  type ErrorBody,
  LeaseAsk,
  LeaseGrant,
  NAMESPACE,
  QualityReport,
  type Reply,
  SessionCommand,
  SessionJoin,
  SessionLeave,
  validationError,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import { socketUser } from "../../auth/socket-auth";
import { answer, errorBody } from "../reply";
import { sessionRoom } from "./registry";
import type { SessionService } from "./service";

/** Client events of sessions on /ui, each with the schema of its payload. */
export const SESSION_EVENTS = {
  "session:join": SessionJoin,
  "session:leave": SessionLeave,
  "session:chat": ChatSend,
  "session:lease-request": LeaseAsk,
  "session:lease-grant": LeaseGrant,
  "session:lease-revoke": LeaseAsk,
  "session:lease-release": LeaseAsk,
  "session:command": SessionCommand,
  "session:annotate": AnnotateSend,
  "session:annotations-clear": AnnotationsClear,
  "session:quality": QualityReport,
} as const;

type Handler<S extends z.ZodType> = (socket: Socket, body: z.infer<S>) => Promise<Reply<object>>;

/**
 * Session events on /ui. The namespace guard has checked the session and role of each event before
 * it gets here; each handler parses its payload and the service checks the job's organisation.
 */
export function attachSessionEvents(io: Server, sessions: SessionService, log: FastifyBaseLogger): void {
  const nsp = io.of(NAMESPACE.ui);

  const on = <K extends keyof typeof SESSION_EVENTS>(socket: Socket, event: K, handle: Handler<(typeof SESSION_EVENTS)[K]>) => {
    // Widened to a plain name: socket.io's listener type for a generic event name does not resolve.
    const name: string = event;
    socket.on(name, (raw: unknown, ack: unknown) => {
      const problem = (error: ErrorBody) => socket.emit("problem", error);
      void (async (): Promise<Reply<object>> => {
        const parsed = SESSION_EVENTS[event].safeParse(raw);
        if (!parsed.success) throw validationError(event, parsed.error);
        return handle(socket, parsed.data as z.infer<(typeof SESSION_EVENTS)[K]>);
      })().then(
        (reply) => answer(ack, reply, problem),
        (err: unknown) => answer(ack, { ok: false, error: errorBody(err, log) }, problem),
      );
    });
  };

  nsp.on("connection", (socket) => {
    on(socket, "session:join", async (s, body) => {
      // Into the room once the organisation check passed, before the state is read: nothing is missed.
      const state = await sessions.join(s.id, socketUser(s), body.jobId, () => s.join(sessionRoom(body.jobId)));
      return { ok: true, state };
    });
    on(socket, "session:leave", async (s, body) => {
      await sessions.leave(s.id, socketUser(s), body.jobId);
      await s.leave(sessionRoom(body.jobId));
      return { ok: true };
    });
    on(socket, "session:chat", async (s, body) => ({ ok: true, message: await sessions.chat(s.id, socketUser(s), body) }));
    on(socket, "session:lease-request", async (s, body) => ({ ok: true, lease: await sessions.control.request(s.id, socketUser(s), body) }));
    on(socket, "session:lease-grant", async (s, body) => ({ ok: true, lease: await sessions.control.grant(s.id, socketUser(s), body) }));
    on(socket, "session:lease-revoke", async (s, body) => ({ ok: true, lease: await sessions.control.revoke(s.id, socketUser(s), body) }));
    on(socket, "session:lease-release", async (s, body) => ({ ok: true, lease: await sessions.control.release(s.id, socketUser(s), body) }));
    on(socket, "session:command", async (s, body) => sessions.control.command(s.id, socketUser(s), body));
    on(socket, "session:annotate", async (s, body) => ({ ok: true, annotation: await sessions.annotations.annotate(s.id, socketUser(s), body) }));
    on(socket, "session:annotations-clear", async (s, body) => ({ ok: true, cleared: await sessions.annotations.clear(s.id, socketUser(s), body) }));
    on(socket, "session:quality", async (s, body) => ({ ok: true, quality: await sessions.quality.report(s.id, socketUser(s), body) }));
    socket.on("disconnect", () => {
      sessions.disconnected(socket.id).catch((err: unknown) => log.warn({ err: String(err) }, "could not record a dropped participant"));
    });
  });
}
