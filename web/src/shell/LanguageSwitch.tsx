import { useTranslation } from "react-i18next";
import { currentLanguage, setLanguage } from "../i18n";

/** One button that flips between the two languages; it is labelled with the one it switches to. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const next = currentLanguage() === "zh-CN" ? "en" : "zh-CN";
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      lang={next}
      title={t("lang.switchLabel")}
      aria-label={`${t("lang.switchLabel")}: ${t("lang.switchTo")}`}
      onClick={() => void setLanguage(next)}
    >
      {t("lang.switchTo")}
    </button>
  );
}
