import { CertificateSummary, IssuedList } from "@telecal/protocols";
import { request } from "./client";

/** Where a certificate's files are served as issued (no sign-in: the holder downloads them too). */
export const certificateFile = (id: string, file: "pdf" | "pdf-en" | "dcc") => `/api/certificates/${encodeURIComponent(id)}/files/${file}`;

/** The organisation's certificates: to find one again, download its files, amend or revoke it. */
export const certificatesApi = {
  list: async (job?: string) => IssuedList.parse(await request("GET", `/api/certificates${job ? `?job=${encodeURIComponent(job)}` : ""}`)).certificates,
  revoke: async (id: string, reason: string) => CertificateSummary.parse(await request("POST", `/api/certificates/${encodeURIComponent(id)}/revoke`, { reason })),
};
