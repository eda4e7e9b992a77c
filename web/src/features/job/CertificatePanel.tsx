import type { IssuedCertificate, IssuedListEntry, UserInfo } from "@telecal/protocols";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { certificatesApi } from "../../api/certificates";
import { api } from "../../api/platform";
import { CertificateOnFile } from "./CertificateOnFile";
import { conditionalPoints, latestDecisions } from "./ConformityDecisions";
import type { JobView } from "./useJobRun";

/** The laboratory's part of a certificate changes rarely: this browser remembers it for the next one. */
const LAB_KEY = "telecal.certificate.lab";

interface LabFields {
  name: string;
  nameEn: string;
  address: string;
  city: string;
  email: string;
  accreditation: string;
}

const EMPTY_LAB: LabFields = { name: "", nameEn: "", address: "", city: "", email: "", accreditation: "" };

function rememberedLab(): LabFields {
  try {
    return { ...EMPTY_LAB, ...(JSON.parse(localStorage.getItem(LAB_KEY) ?? "{}") as Partial<LabFields>) };
  } catch {
    return EMPTY_LAB;
  }
}

/** A file of the answer as a link the browser saves under the certificate's number. */
function useDownload(b64: string, type: string): string {
  const url = useMemo(() => URL.createObjectURL(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type })), [b64, type]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return url;
}

function Issued({ issued }: { issued: IssuedCertificate }) {
  const { t } = useTranslation();
  const number = issued.certificate.number;
  const pdf = useDownload(issued.pdf, "application/pdf");
  const pdfEn = useDownload(issued.pdfEn, "application/pdf");
  const dcc = useDownload(issued.dcc, "application/xml");
  return (
    <div data-testid="certificate-issued" data-number={number} data-id={issued.certificate.id}>
      <p className="ok">{t("certificate.issued", { number })}</p>
      <ul className="downloads">
        <li><a href={pdf} download={`${number}.pdf`} data-testid="certificate-pdf">{t("certificate.pdf")}</a></li>
        <li><a href={pdfEn} download={`${number}.en.pdf`}>{t("certificate.pdfEn")}</a></li>
        <li><a href={dcc} download={`${number}.xml`} data-testid="certificate-dcc">{t("certificate.dcc")}</a></li>
        <li><a href={`/verify/${encodeURIComponent(issued.certificate.id)}`} target="_blank" rel="noreferrer" data-testid="certificate-verify">{t("certificate.verify")}</a></li>
      </ul>
    </div>
  );
}

const inAYear = () => new Date(Date.now() + 364 * 86_400_000).toISOString().slice(0, 10);

/**
 * For a finished job, an expert or admin issues its certificate as 批准人: the server computes the
 * results, standards, environment, raw records and the 校准员 and 核验员 from the job; the form gives
 * only what the job cannot know (customer, laboratory, 检定's validity, an item read by eye).
 */
export function CertificatePanel({ view, user }: { view: JobView; user: UserInfo }) {
  const { t } = useTranslation();
  const job = view.run.job;
  const uut = view.procedure.equipment.find((e) => e.role === "uut");
  const itemBound = uut !== undefined && job.binding[uut.id] !== undefined;
  // The 核验员 is the job's: whoever approved its review, else its expert (the server says the same).
  const reviewed = [...view.run.events].reverse().find((e) => e.kind === "approved");
  const checker = reviewed?.by.startsWith("user:") ? reviewed.by.slice("user:".length) : job.expertId;
  const [lab, setLab] = useState<LabFields>(rememberedLab);
  const [customer, setCustomer] = useState({ name: "", address: "" });
  const [validUntil, setValidUntil] = useState(inAYear);
  // A point 不合格 or 待定: a 检定结果通知书, which states no validity; 待定 points need an expert's decision first.
  const notice = view.procedure.mode === "verification" && view.results.some((r) => r.decision?.code !== "pass");
  const decided = latestDecisions(view);
  const undecided = conditionalPoints(view).filter((p) => !decided.has(p));
  const [item, setItem] = useState({ maker: "", model: "", serial: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [issued, setIssued] = useState<IssuedCertificate | null>(null);
  // The job's valid certificate, if it has one already: shown instead of the form, which amends it on request.
  const [onFile, setOnFile] = useState<IssuedListEntry | null>(null);
  const [amending, setAmending] = useState(false);
  const [reason, setReason] = useState("");
  useEffect(() => {
    let live = true;
    certificatesApi.list(job.id).then(
      (list) => live && setOnFile(list.find((e) => e.certificate.status === "valid") ?? null),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [job.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    localStorage.setItem(LAB_KEY, JSON.stringify(lab));
    try {
      const data = {
        lab: { name: { zh: lab.name, en: lab.nameEn || lab.name }, address: lab.address, city: lab.city, country: "CN", email: lab.email, accreditation: lab.accreditation },
        customer,
        dates: view.procedure.mode === "verification" && !notice ? { validUntil } : {},
        ...(itemBound || !uut ? {} : { item: { name: uut.name, ...item } }),
      };
      const amend = amending && onFile ? { replaces: onFile.certificate.id, reason } : {};
      setIssued(await api.issueCertificate({ job: job.id, data, ...amend }));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("TC_ERR_NETWORK", String(err)));
    } finally {
      setBusy(false);
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, testId: string, type = "text") => (
    <label>
      <span>{label}</span>
      <input type={type} value={value} required onChange={(e) => set(e.target.value)} data-testid={testId} />
    </label>
  );

  return (
    <section className="panel" aria-labelledby="certificate-heading" data-testid="certificate-panel">
      <h2 id="certificate-heading">{t("certificate.heading")}</h2>
      {issued ? (
        <Issued issued={issued} />
      ) : onFile && !amending ? (
        <CertificateOnFile entry={onFile} onAmend={checker === user.id || job.technicianId === user.id ? null : () => setAmending(true)} />
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form certificate-form">
          <p className="muted">{t("certificate.intro")}</p>
          {amending && onFile && (
            <label>
              <span>{t("certificate.amendReason", { number: onFile.certificate.number })}</span>
              <input value={reason} required maxLength={512} onChange={(e) => setReason(e.target.value)} data-testid="certificate-amend-reason" />
            </label>
          )}
          <p data-testid="certificate-people" data-checker={checker}>
            {t("certificate.calibrator", { name: view.nameOf(`user:${job.technicianId}`) })} · {t("certificate.checker", { name: view.nameOf(`user:${checker}`) })} ·{" "}
            {t("certificate.approver", { name: user.displayName || user.username })}
          </p>
          {(checker === user.id || job.technicianId === user.id) && (
            <p className="warning" data-testid="certificate-same-person">{t("certificate.samePerson")}</p>
          )}
          {field(t("certificate.customer"), customer.name, (name) => setCustomer({ ...customer, name }), "certificate-customer")}
          {field(t("certificate.customerAddress"), customer.address, (address) => setCustomer({ ...customer, address }), "certificate-customer-address")}
          {!itemBound && uut && (
            <>
              {field(t("certificate.itemMaker"), item.maker, (maker) => setItem({ ...item, maker }), "certificate-item-maker")}
              {field(t("certificate.itemModel"), item.model, (model) => setItem({ ...item, model }), "certificate-item-model")}
              {field(t("certificate.itemSerial"), item.serial, (serial) => setItem({ ...item, serial }), "certificate-item-serial")}
            </>
          )}
          {notice && <p className="warning" data-testid="certificate-notice">{t("certificate.notice")}</p>}
          {undecided.length > 0 && <p className="warning" data-testid="certificate-undecided">{t("certificate.undecided", { points: undecided.join(", ") })}</p>}
          {view.procedure.mode === "verification" && !notice && field(t("certificate.validUntil"), validUntil, setValidUntil, "certificate-valid-until", "date")}
          {field(t("certificate.lab"), lab.name, (name) => setLab({ ...lab, name }), "certificate-lab")}
          {field(t("certificate.labEn"), lab.nameEn, (nameEn) => setLab({ ...lab, nameEn }), "certificate-lab-en")}
          {field(t("certificate.labAddress"), lab.address, (address) => setLab({ ...lab, address }), "certificate-lab-address")}
          {field(t("certificate.labCity"), lab.city, (city) => setLab({ ...lab, city }), "certificate-lab-city")}
          {field(t("certificate.labEmail"), lab.email, (email) => setLab({ ...lab, email }), "certificate-lab-email", "email")}
          {field(t("certificate.accreditation"), lab.accreditation, (accreditation) => setLab({ ...lab, accreditation }), "certificate-accreditation")}
          <button type="submit" disabled={busy || checker === user.id || job.technicianId === user.id || undecided.length > 0} data-testid="certificate-issue">
            {busy ? t("certificate.issuing") : t("certificate.issue")}
          </button>
          {error && (
            <p className="error" role="alert" data-testid="certificate-error" data-code={error.code}>
              {t("certificate.failed", { code: error.code, message: error.message })}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
