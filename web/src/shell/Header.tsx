import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ConnectionState } from "./ConnectionState";
import { LanguageSwitch } from "./LanguageSwitch";

/** `live`: a /ui connection exists (signed in), so its state is shown; `children`: more tools. */
export function Header({ live = false, nav, children }: { live?: boolean; nav?: ReactNode; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">{t("app.name")}</span>
        <span className="brand-mark">{t("app.brand")}</span>
      </div>
      {nav}
      <div className="app-header-tools">
        {live && <ConnectionState />}
        <LanguageSwitch />
        {children}
      </div>
    </header>
  );
}
