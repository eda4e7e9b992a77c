import { formatEngineering } from "@telecal/metrology";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import type { JobView } from "./useJobRun";

/** Values as the instruments show them (8 digits); errors and limits with a prefix, to 3 digits. */
const value = (v: number | null) => (v === null ? "—" : Number(v.toPrecision(8)).toString());
const small = (v: number | null, unit: string) => (v === null ? "—" : formatEngineering(v, unit, 3));

/** The results per test point so far: observed means, the error by the model, MPE, U, k and the decision by the procedure's rule. */
export function PointResults({ view }: { view: JobView }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  return (
    <section className="panel" aria-labelledby="results-heading">
      <h2 id="results-heading">{t("results.heading")}</h2>
      <table className="results" data-testid="results">
        <thead>
          <tr>
            <th>{t("results.point")}</th>
            <th>{t("results.reference")}</th>
            <th>{t("results.indication")}</th>
            <th>{t("results.error")}</th>
            <th>{t("results.mpe")}</th>
            <th>{t("results.U")}</th>
            <th>{t("results.k")}</th>
            <th>{t("results.decision")}</th>
          </tr>
        </thead>
        <tbody>
          {view.results.map((r) => (
            <tr key={r.point} data-point={r.point}>
              <td>
                {value(r.nominal)} {r.unit}
              </td>
              <td>{value(r.reference)}</td>
              <td>{value(r.indication)}</td>
              <td data-testid={`error-${r.point}`} data-value={r.error ?? ""}>
                {small(r.error, r.unit)}
              </td>
              <td>±{small(r.mpe, r.unit)}</td>
              <td>{small(r.U, r.unit)}</td>
              <td>{r.k === null ? "—" : r.k.toFixed(2)}</td>
              <td className={r.decision ? `decision decision-${r.decision.code}` : ""} data-testid={`decision-${r.point}`} data-code={r.decision?.code ?? ""}>
                {r.decision ? r.decision.label[lang] : "—"}
                {r.check === "range" && r.range !== undefined && <span className="muted"> ({t("results.range", { range: small(r.range, r.unit) })})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
