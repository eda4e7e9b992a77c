import { streamRef } from "@telecal/protocols";
import type { StreamDescriptor } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { AnnotationLayer } from "../session/AnnotationLayer";
import { LiveChart } from "./LiveChart";
import { StreamReadout } from "./StreamReadout";

export function StreamPanel({ agentId, stream }: { agentId: string; stream: StreamDescriptor }) {
  const { t } = useTranslation();
  const key = streamRef(agentId, stream.id);
  return (
    <section className="stream" aria-label={stream.quantity}>
      <h4 className="stream-title">
        <span>{stream.quantity}</span>
        <span className="stream-id">{stream.id}</span>
      </h4>
      <StreamReadout streamKey={key} unit={stream.unit} />
      <div className="annotated">
        <LiveChart streamKey={key} label={t("chart.label", { quantity: stream.quantity })} />
        <AnnotationLayer target={`chart:${key}`} />
      </div>
    </section>
  );
}
