import { formatEngineering } from "@telecal/metrology";
import { useTranslation } from "react-i18next";
import { useLatest } from "../../realtime/hooks";
import { isManual, streamStatus } from "./status";
import { ValueAge } from "./ValueAge";

interface Props {
  streamKey: string;
  /** The unit the stream announced, for values that came without one (from a snapshot). */
  unit: string;
}

/** The newest value of one stream, its status and its age; re-renders only for this stream. */
export function StreamReadout({ streamKey, unit }: Props) {
  const { t } = useTranslation();
  const latest = useLatest(streamKey);

  const status = latest === undefined ? "waiting" : streamStatus(latest);
  let text: string;
  if (latest === undefined) text = t("value.none");
  else if (latest.value === null) text = t(status === "overload" ? "value.overload" : "value.none");
  else text = formatEngineering(latest.value, latest.unit ?? unit, 7);

  // The number and the unit are styled apart, but the element's text stays the formatted value.
  const space = text.indexOf(" ");
  const number = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space);

  return (
    <div className="readout">
      <div className={`value value-${status}`} data-testid={`live-value-${streamKey}`} data-value={latest?.value ?? ""}>
        <span className="value-number">{number}</span>
        {rest !== "" && <span className="value-unit">{rest}</span>}
      </div>
      <div className="readout-meta">
        <span className={`status status-${status}`} data-status={status}>
          {t(`status.${status}`)}
        </span>
        {latest !== undefined && isManual(latest) && <span className="tag">{t("status.manual")}</span>}
        {latest !== undefined && <ValueAge t={latest.t} />}
      </div>
    </div>
  );
}
