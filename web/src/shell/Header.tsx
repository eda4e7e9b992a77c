import { useTranslation } from "react-i18next";
import { ConnectionState } from "./ConnectionState";
import { LanguageSwitch } from "./LanguageSwitch";

export function Header() {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">{t("app.name")}</span>
        <span className="brand-mark">{t("app.brand")}</span>
      </div>
      <div className="app-header-tools">
        <ConnectionState />
        <LanguageSwitch />
      </div>
    </header>
  );
}
