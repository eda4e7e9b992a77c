import { useTranslation } from "react-i18next";
import { useConnectionState } from "../realtime/hooks";

export function ConnectionState() {
  const { t } = useTranslation();
  const state = useConnectionState();
  return (
    <span className={`conn conn-${state}`} data-testid="conn-state" data-state={state} role="status">
      <span className="conn-dot" aria-hidden="true" />
      {t(`connection.${state}`)}
    </span>
  );
}
