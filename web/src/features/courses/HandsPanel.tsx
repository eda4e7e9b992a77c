import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { LessonPanelProps } from "./LessonPage";

/** The raised hands in order: a trainer lowers one when taking the question; a trainee raises and lowers their own. */
export function HandsPanel({ store, state, me }: LessonPanelProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const trainer = state.part === "trainer";
  const send = async (event: string, body: object) => {
    const reply = await store.ask(event, body);
    setError(reply.ok ? null : reply.error.code);
  };
  const place = trainer ? -1 : state.hands.findIndex((h) => h.userId === me);
  return (
    <section className="panel" aria-labelledby="hands-heading" data-testid="hands">
      <h2 id="hands-heading">{t("lesson.hands", { n: state.hands.length })}</h2>
      {trainer ? (
        state.hands.length === 0 ? (
          <p className="muted">{t("lesson.noHands")}</p>
        ) : (
          <ol className="hand-queue">
            {state.hands.map((h) => (
              <li key={h.userId} data-testid="hand" data-username={h.username}>
                {h.displayName}{" "}
                <button type="button" onClick={() => void send("lesson:hand-lower", { userId: h.userId })} data-testid={`hand-lower-${h.username}`}>
                  {t("lesson.lower")}
                </button>{" "}
                <button type="button" onClick={() => void send("lesson:stage", { userId: h.userId })} data-testid={`hand-stage-${h.username}`}>
                  {t("lesson.bringOnStage")}
                </button>
              </li>
            ))}
          </ol>
        )
      ) : (
        <>
          {place >= 0 && <p data-testid="hand-place">{t("lesson.handUp", { place: place + 1 })}</p>}
          <button type="button" className="hand-button" onClick={() => void send("lesson:hand", { raised: place < 0 })} data-testid="hand-toggle" data-raised={place >= 0}>
            {place >= 0 ? t("lesson.lowerOwn") : t("lesson.raise")}
          </button>
        </>
      )}
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
    </section>
  );
}
