import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { LessonPanelProps } from "./LessonPage";

/**
 * The stage: a trainer brings one trainee on stage (their camera and mic go to everyone beside the
 * trainer's) and takes them off, and mutes every trainee's chat at once; a trainee sees that they
 * are on stage. The first raised hand is offered first; any trainee present may be chosen.
 */
export function StagePanel({ store, state, me }: LessonPanelProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState("");
  const trainer = state.part === "trainer";
  const send = async (event: string, body: object) => {
    const reply = await store.ask(event, body);
    setError(reply.ok ? null : reply.error.code);
  };
  const onStage = state.stage === null ? null : (state.present.find((p) => p.userId === state.stage) ?? state.scores.find((s) => s.userId === state.stage) ?? null);
  if (!trainer) {
    return state.stage === me ? (
      <section className="panel stage-panel" data-testid="stage" data-on-stage="true">
        <p className="warning">{t("lesson.youOnStage")}</p>
      </section>
    ) : null;
  }
  const trainees = state.present.filter((p) => p.part === "trainee" && p.userId !== state.stage);
  const pick = chosen || state.hands[0]?.userId || trainees[0]?.userId || "";
  const allMuted = state.scores.length > 0 && state.scores.every((s) => state.muted.includes(s.userId));
  return (
    <section className="panel stage-panel" aria-labelledby="stage-heading" data-testid="stage" data-stage={onStage?.username ?? ""}>
      <h2 id="stage-heading">{t("lesson.stage")}</h2>
      {onStage ? (
        <p>
          {t("lesson.onStage", { name: onStage.displayName })}{" "}
          <button type="button" onClick={() => void send("lesson:stage", { userId: null })} data-testid="stage-leave">
            {t("lesson.leaveStage")}
          </button>
        </p>
      ) : (
        <p className="muted">{t("lesson.stageEmpty")}</p>
      )}
      {trainees.length > 0 && (
        <p>
          <select value={pick} onChange={(e) => setChosen(e.target.value)} aria-label={t("lesson.stage")} data-testid="stage-pick">
            {trainees.map((p) => (
              <option key={p.userId} value={p.userId}>
                {p.displayName}
              </option>
            ))}
          </select>{" "}
          <button type="button" onClick={() => void send("lesson:stage", { userId: pick })} data-testid="stage-bring">
            {t("lesson.bringOnStage")}
          </button>
        </p>
      )}
      <button type="button" onClick={() => void send("lesson:mute-all", { muted: !allMuted })} data-testid="mute-all" data-muted={allMuted}>
        {allMuted ? t("lesson.unmuteAll") : t("lesson.muteAll")}
      </button>
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
    </section>
  );
}
