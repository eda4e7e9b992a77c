import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { zhCN } from "./zh-CN";

export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "zh-CN";

const STORAGE_KEY = "telecal.lang";

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l === value);
}

function storedLanguage(): Language {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(saved) ? saved : DEFAULT_LANGUAGE;
  } catch {
    // Storage can be unavailable (private mode, blocked cookies): the default language still works.
    return DEFAULT_LANGUAGE;
  }
}

function applyLanguage(lng: string): void {
  if (!isLanguage(lng)) return;
  document.documentElement.lang = lng;
  document.title = i18n.t("app.title");
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Not remembering the choice is acceptable; failing to switch is not.
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : DEFAULT_LANGUAGE;
}

export function setLanguage(lng: Language): Promise<unknown> {
  return i18n.changeLanguage(lng);
}

i18n.on("languageChanged", applyLanguage);

void i18n.use(initReactI18next).init({
  resources: {
    "zh-CN": { translation: zhCN },
    en: { translation: en },
  },
  lng: storedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  load: "currentOnly",
  // Resources are bundled, so init completes synchronously and the first render is translated.
  initAsync: false,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
});

applyLanguage(currentLanguage());

export default i18n;
