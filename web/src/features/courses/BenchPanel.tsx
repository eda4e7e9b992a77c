import { planOf, Procedure } from "@telecal/metrology";
import { CLOCK_INSTRUMENT_ID, type LessonBenchLive } from "@telecal/protocols";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { useLiveStore } from "../../realtime/context";
import { stepTitle } from "../job/step-title";
import { InstrumentCard } from "../live/InstrumentCard";
import type { LessonPanelProps } from "./LessonPage";

/** The bench's presence and its demonstration job change rarely: asked again this often. */
const BENCH_REFRESH_MS = 5_000;

/**
 * The lesson's demonstration bench, for trainers and trainees alike: its instruments' live
 * readings and charts (the live page's cards; the values come with the lesson's room) and the
 * step the demonstration job waits at.
 */
export function BenchPanel({ store, state }: LessonPanelProps) {
  const { t } = useTranslation();
  const live = useLiveStore();
  const [bench, setBench] = useState<LessonBenchLive | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hasBench = state.lesson.bench !== null;
  useEffect(() => {
    if (!hasBench) return;
    let stopped = false;
    const refresh = () =>
      void store.ask<{ bench: LessonBenchLive | null }>("lesson:bench", {}).then((reply) => {
        if (stopped) return;
        setError(reply.ok ? null : reply.error.code);
        if (!reply.ok) return;
        if (reply.bench) live.mergeHistory(reply.bench.history);
        setBench(reply.bench);
      });
    refresh();
    const timer = setInterval(refresh, BENCH_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [store, live, hasBench]);
  const lang = useTextLang();
  const job = bench?.job ?? null;
  // The step waited at, in words, as the job page names it (its key where the plan has none).
  const step = useMemo(() => {
    if (!job || job.next === null) return null;
    const procedure = Procedure.parse(job.procedure);
    const planned = planOf(procedure).find((s) => s.key === job.next);
    return planned ? stepTitle(planned, lang, t, procedure.equipment) : job.next;
  }, [job, lang, t]);
  if (!hasBench) return null;
  const agent = bench?.agent ?? null;
  return (
    <section className="panel lesson-bench" aria-labelledby="bench-heading" data-testid="lesson-bench" data-online={agent?.online ?? false}>
      <h2 id="bench-heading">
        {t("lesson.bench")} <span className="muted">{agent ? `${agent.name} · ${t(agent.online ? "lesson.benchOnline" : "lesson.benchOffline")}` : t("lesson.benchUnknown")}</span>
      </h2>
      <p data-testid="lesson-step" data-step={job?.next ?? ""} data-status={job?.status ?? ""}>
        {job === null ? t("lesson.noDemonstration") : job.next === null ? t("lesson.demonstrationDone") : t("lesson.step", { step, done: job.done, steps: job.steps })}
      </p>
      {agent?.instruments
        .filter((i) => i.id !== CLOCK_INSTRUMENT_ID)
        .map((instrument) => <InstrumentCard key={instrument.id} agentId={agent.agentId} instrument={instrument} />)}
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
    </section>
  );
}
