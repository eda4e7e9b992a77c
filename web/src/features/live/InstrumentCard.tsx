import type { InstrumentDescriptor } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { StreamPanel } from "./StreamPanel";

export function InstrumentCard({ agentId, instrument }: { agentId: string; instrument: InstrumentDescriptor }) {
  const { t } = useTranslation();
  const title = [instrument.maker, instrument.model].filter((s) => s !== "").join(" ") || instrument.id;
  return (
    <article className={`card card-${instrument.role}`} data-instrument={`${agentId}/${instrument.id}`}>
      <header className="card-header">
        <span className={`role role-${instrument.role}`}>{t(`instrument.role.${instrument.role}`)}</span>
        <h3 className="card-title">{title}</h3>
        <p className="card-meta">
          {instrument.serial !== "" && <span>{t("instrument.serial", { serial: instrument.serial })}</span>}
          <span>{t("instrument.id", { id: instrument.id })}</span>
        </p>
      </header>
      {instrument.streams.length === 0 ? (
        <p className="muted">{t("live.noStreams")}</p>
      ) : (
        instrument.streams.map((stream) => <StreamPanel key={stream.id} agentId={agentId} stream={stream} />)
      )}
    </article>
  );
}
