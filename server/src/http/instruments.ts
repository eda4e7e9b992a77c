import {
  AddCertificateRequest,
  CertificateList,
  CreateInstrumentRequest,
  Instrument,
  InstrumentList,
  InstrumentsQuery,
  ReferenceCertificate,
  RegistryIdParams,
  type Role,
} from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ADMIN_ONLY, ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { RegistryService } from "../registry/service";

/** The technician at the bench registers the lab's instruments too; certificates stay with the admin. */
export const INSTRUMENT_WRITERS: ReadonlySet<Role> = new Set<Role>(["admin", "technician"]);

/** Instruments and reference certificates (docs/registry.md); the service checks the organisation. */
export function instrumentRoutes(auth: Auth, registry: RegistryService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/instruments",
      {
        onRequest: authorize(auth, ANY_ROLE, "list instruments"),
        schema: {
          summary: "Instruments the caller may see, optionally of one lab or one role",
          tags: ["registry"],
          querystring: InstrumentsQuery,
          response: { 200: InstrumentList },
        },
      },
      async (request) => ({ instruments: await registry.instruments(principalOf(request).user, request.query) }),
    );

    app.post(
      "/api/instruments",
      {
        onRequest: authorize(auth, INSTRUMENT_WRITERS, "add instruments"),
        schema: {
          summary: "Adds an instrument to a lab of the caller's organisation",
          tags: ["registry"],
          body: CreateInstrumentRequest,
          response: { 201: Instrument },
        },
      },
      async (request, reply) => reply.status(201).send(await registry.createInstrument(principalOf(request).user, request.body)),
    );

    app.get(
      "/api/instruments/:id",
      {
        onRequest: authorize(auth, ANY_ROLE, "read instruments"),
        schema: { summary: "One instrument", tags: ["registry"], params: RegistryIdParams, response: { 200: Instrument } },
      },
      async (request) => registry.instrument(principalOf(request).user, request.params.id),
    );

    app.get(
      "/api/instruments/:id/certificates",
      {
        onRequest: authorize(auth, ANY_ROLE, "read reference certificates"),
        schema: {
          summary: "A reference standard's calibration certificates, latest due date first",
          tags: ["registry"],
          params: RegistryIdParams,
          response: { 200: CertificateList },
        },
      },
      async (request) => ({ certificates: await registry.certificates(principalOf(request).user, request.params.id) }),
    );

    app.post(
      "/api/instruments/:id/certificates",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "add reference certificates"),
        schema: {
          summary: "Adds a calibration certificate to a reference standard of the admin's organisation",
          tags: ["registry"],
          params: RegistryIdParams,
          body: AddCertificateRequest,
          response: { 201: ReferenceCertificate },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await registry.addCertificate(principalOf(request).user, request.params.id, request.body)),
    );
  };
}
