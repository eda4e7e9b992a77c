import type { Instrument, RegistryWarning } from "@telecal/protocols";
import { useTranslation } from "react-i18next";

/** The lab's instruments; a reference standard whose certificate runs out soon or has run out says so. */
export function StandardsPanel({ instruments, warnings }: { instruments: Instrument[] | undefined; warnings: RegistryWarning[] | undefined }) {
  const { t } = useTranslation();
  const byId = new Map((warnings ?? []).map((w) => [w.instrumentId, w]));
  return (
    <section className="panel" aria-labelledby="instruments-heading">
      <h2 id="instruments-heading">{t("dashboard.instruments")}</h2>
      <ul className="plain-list">
        {(instruments ?? []).map((i) => {
          const w = byId.get(i.id);
          return (
            <li key={i.id} data-testid={`instrument-${i.id}`}>
              <span className={`role role-${i.role}`}>{t(`instrument.role.${i.role}`)}</span> {i.maker} {i.model}{" "}
              <span className="muted">{i.serial}</span>
              {w && <span className={`badge badge-${w.status}`}>{t(`standards.status.${w.status}`, { days: w.daysLeft ?? 0, number: w.certificateNumber ?? "" })}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
