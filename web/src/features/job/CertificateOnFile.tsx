import type { IssuedListEntry } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { certificateFile } from "../../api/certificates";

/**
 * The job's certificate as the server keeps it, found again after the page was left or reloaded:
 * its number and status, every file as issued, and for a signer the way to amend it (a new
 * certificate that replaces it, with the reason; the old one then shows as amended everywhere).
 */
export function CertificateOnFile({ entry, onAmend }: { entry: IssuedListEntry; onAmend: (() => void) | null }) {
  const { t } = useTranslation();
  const c = entry.certificate;
  return (
    <div data-testid="certificate-on-file" data-number={c.number} data-id={c.id}>
      <p className="ok">{t("certificate.onFile", { number: c.number, date: c.issuedOn })}</p>
      <ul className="downloads">
        <li><a href={certificateFile(c.id, "pdf")} download data-testid="certificate-file-pdf">{t("certificate.pdf")}</a></li>
        <li><a href={certificateFile(c.id, "pdf-en")} download>{t("certificate.pdfEn")}</a></li>
        {c.kind !== "training-certificate" && <li><a href={certificateFile(c.id, "dcc")} download>{t("certificate.dcc")}</a></li>}
        <li><a href={`/verify/${encodeURIComponent(c.id)}`} target="_blank" rel="noreferrer">{t("certificate.verify")}</a></li>
      </ul>
      {onAmend && (
        <button type="button" onClick={onAmend} data-testid="certificate-amend">
          {t("certificate.amend")}
        </button>
      )}
    </div>
  );
}
