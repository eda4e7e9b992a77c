import type { UserInfo } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { api } from "../../api/platform";
import { usePolled } from "../../api/usePolled";
import { AgentsPanel } from "./AgentsPanel";
import { JobsPanel } from "./JobsPanel";
import { NewJobForm } from "./NewJobForm";
import { StandardsPanel } from "./StandardsPanel";

/** What a person sees first: the jobs, the labs' agents, the standards' validity, and a new job. */
export function DashboardPage({ user }: { user: UserInfo }) {
  const { t } = useTranslation();
  const jobs = usePolled(api.jobs, 5000);
  const agents = usePolled(api.agents, 10_000);
  const instruments = usePolled(api.instruments, 30_000);
  const warnings = usePolled(api.warnings, 60_000);
  const mayStart = user.role === "admin" || user.role === "technician" || user.role === "expert";
  return (
    <div className="dashboard" data-testid="dashboard">
      <h1 className="page-title">{t("dashboard.heading")}</h1>
      <div className="dashboard-grid">
        <JobsPanel jobs={jobs.data} error={jobs.error} />
        <AgentsPanel agents={agents.data} error={agents.error} />
        <StandardsPanel instruments={instruments.data} warnings={warnings.data} />
        {mayStart && instruments.data && agents.data && (
          <NewJobForm user={user} instruments={instruments.data} agents={agents.data} onCreated={jobs.refresh} />
        )}
      </div>
    </div>
  );
}
