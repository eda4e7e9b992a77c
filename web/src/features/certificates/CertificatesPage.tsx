import type { IssuedListEntry, UserInfo } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { certificateFile, certificatesApi } from "../../api/certificates";
import { usePolled } from "../../api/usePolled";

const SIGNERS = new Set(["expert", "admin"]);

/** What a row names: the item and customer of a calibration, the trainee and course of a 培训证明. */
function subject(entry: IssuedListEntry): { what: string; who: string } {
  const c = entry.certificate;
  if (c.kind === "training-certificate") return { what: c.course, who: c.trainee };
  return { what: [c.item.name.zh, c.item.model, c.item.serial].filter((s) => s !== "").join(" "), who: c.customer };
}

function RevokeForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await certificatesApi.revoke(id, reason);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    }
  };
  return (
    <form className="form form-inline" onSubmit={(e) => void submit(e)} data-testid="revoke-form">
      <input value={reason} required maxLength={512} placeholder={t("certificates.reason")} onChange={(e) => setReason(e.target.value)} data-testid="revoke-reason" />
      <button type="submit" data-testid="revoke-submit">{t("certificates.revokeConfirm")}</button>
      {error && <span className="error" role="alert">{error}</span>}
    </form>
  );
}

/**
 * The organisation's certificates (证书), newest first: number, kind, item or trainee, customer or
 * course, date, status; every file again; revocation by a signer with the reason; amendment from
 * the certificate's job page, where the results come from.
 */
export function CertificatesPage({ user }: { user: UserInfo }) {
  const { t } = useTranslation();
  const list = usePolled(() => certificatesApi.list(), 30_000);
  const [revoking, setRevoking] = useState<string | null>(null);
  const signer = SIGNERS.has(user.role);
  return (
    <section className="panel" aria-labelledby="certificates-heading" data-testid="certificates-page">
      <h1 id="certificates-heading">{t("certificates.heading")}</h1>
      {list.error && <p className="error">{t("common.loadFailed", { code: list.error instanceof ApiError ? list.error.code : "TC_ERR_NETWORK" })}</p>}
      {!list.data ? (
        <p className="muted">{t("common.loading")}</p>
      ) : list.data.length === 0 ? (
        <p className="muted">{t("certificates.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="score-table">
            <thead>
              <tr>
                {["number", "kind", "what", "who", "issued", "status", "files"].map((h) => <th key={h}>{t(`certificates.${h}`)}</th>)}
              </tr>
            </thead>
            <tbody>
              {list.data.map((entry) => {
                const c = entry.certificate;
                const { what, who } = subject(entry);
                return (
                  <tr key={c.id} data-testid="certificate-row" data-number={c.number} data-status={c.status}>
                    <td><a href={`/verify/${encodeURIComponent(c.id)}`} target="_blank" rel="noreferrer">{c.number}</a></td>
                    <td>{t(`certificates.kinds.${c.kind}`)}</td>
                    <td>{entry.job ? <a href={`#/jobs/${encodeURIComponent(entry.job)}`}>{what}</a> : what}</td>
                    <td>{who}</td>
                    <td>{c.issuedOn}</td>
                    <td className={c.status === "valid" ? "ok" : "muted"}>{t(`certificates.statuses.${c.status}`)}{c.revoked ? `: ${c.revoked.reason}` : ""}</td>
                    <td>
                      <a href={certificateFile(c.id, "pdf")} download>PDF</a> · <a href={certificateFile(c.id, "pdf-en")} download>PDF (EN)</a>
                      {c.kind !== "training-certificate" && <> · <a href={certificateFile(c.id, "dcc")} download>DCC</a></>}
                      {signer && c.status === "valid" && (revoking === c.id ? (
                        <RevokeForm id={c.id} onDone={() => { setRevoking(null); list.refresh(); }} />
                      ) : (
                        <> · <button type="button" className="link" onClick={() => setRevoking(c.id)} data-testid="revoke">{t("certificates.revoke")}</button></>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
