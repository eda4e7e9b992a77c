import type { IssuedListEntry, IssuedListQuery, UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import { summaryOf } from "./summary";

/**
 * The certificates of the user's own organisation, newest first, each with its job: what a lab
 * finds again after the job page was closed, to download, amend or revoke. Other organisations'
 * certificates are not listed here (their public page and files are open to anyone with the id).
 */
export async function listCertificates(db: Kysely<Schema>, user: UserInfo, query: IssuedListQuery): Promise<IssuedListEntry[]> {
  let select = db.selectFrom("certificates").selectAll().where("organisation_id", "=", user.organisation.id);
  if (query.job !== undefined) select = select.where("job_id", "=", query.job);
  const rows = await select.orderBy("issued_at", "desc").orderBy("number", "desc").limit(query.limit).execute();
  return rows.map((row) => ({ certificate: summaryOf(row), job: row.job_id, issuedAt: row.issued_at }));
}
