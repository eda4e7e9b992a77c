import { useTranslation } from "react-i18next";
import { hrefOf, type Route } from "./route";

/** A course and its lessons are under Courses. */
const same = (route: Route, to: Route) => route.page === to.page || (to.page === "courses" && (route.page === "course" || route.page === "lesson"));

/** The signed-in user's pages; a job's session page is reached from the dashboard. */
export function Nav({ route, role }: { route: Route; role: string }) {
  const { t } = useTranslation();
  const item = (to: Route, label: string) => (
    <a className={`nav-item${same(route, to) ? " nav-item-current" : ""}`} href={hrefOf(to)} data-testid={`nav-${to.page}`} aria-current={same(route, to) ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav className="nav" aria-label={t("nav.label")}>
      {item({ page: "dashboard" }, t("nav.dashboard"))}
      {item({ page: "live" }, t("nav.live"))}
      {item({ page: "courses" }, t("nav.courses"))}
      {role !== "trainee" && item({ page: "certificates" }, t("nav.certificates"))}
    </nav>
  );
}
