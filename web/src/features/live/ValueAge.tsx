import { useTranslation } from "react-i18next";
import { useLiveStore } from "../../realtime/context";
import { useNow } from "./useNow";

const STALE_AFTER_S = 10;

/** How long ago the value was taken, on the server's clock so that a wrong browser clock does not lie. */
export function ValueAge({ t: takenAt }: { t: number }) {
  const { t } = useTranslation();
  const store = useLiveStore();
  const serverNow = useNow() + store.getClockOffsetMs();
  const seconds = Math.max(0, Math.floor((serverNow - takenAt) / 1000));
  return (
    <span className={seconds >= STALE_AFTER_S ? "age age-stale" : "age"} data-age-s={seconds}>
      {t("age.seconds", { count: seconds })}
    </span>
  );
}
