import { useTranslation } from "react-i18next";
import { hrefOf, type Route } from "./route";

/** The signed-in user's pages; a job's session page is reached from the dashboard. */
export function Nav({ route }: { route: Route }) {
  const { t } = useTranslation();
  const item = (to: Route, label: string) => (
    <a className={`nav-item${route.page === to.page ? " nav-item-current" : ""}`} href={hrefOf(to)} data-testid={`nav-${to.page}`} aria-current={route.page === to.page ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav className="nav" aria-label={t("nav.label")}>
      {item({ page: "dashboard" }, t("nav.dashboard"))}
      {item({ page: "live" }, t("nav.live"))}
    </nav>
  );
}
