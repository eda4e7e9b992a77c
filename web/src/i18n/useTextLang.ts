import { useTranslation } from "react-i18next";

/** Which side of a `{zh, en}` text (procedures, titles) to show in the language chosen now. */
export function useTextLang(): "zh" | "en" {
  const { i18n } = useTranslation();
  return i18n.language.startsWith("zh") ? "zh" : "en";
}
