import { LESSON_CHAT_MAX_CHARS } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { LessonPanelProps } from "./LessonPage";

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** The lesson's chat; a trainer deletes a message for everyone and mutes (or unmutes) its writer. */
export function LessonChat({ store, state, me }: LessonPanelProps) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const trainer = state.part === "trainer";
  const mutedMe = !trainer && state.muted.includes(me);
  const send = async (event: string, body: object) => {
    const reply = await store.ask(event, body);
    setError(reply.ok ? null : reply.error.code);
    return reply.ok;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await send("lesson:chat", { text })) setText("");
  };
  return (
    <section className="panel session-chat" aria-labelledby="lesson-chat-heading" data-testid="lesson-chat">
      <h2 id="lesson-chat-heading">{t("lesson.chat")}</h2>
      <ol className="chat-list">
        {state.chat.map((m) => {
          const muted = state.muted.includes(m.from.userId);
          return (
            <li key={m.id} data-testid="lesson-chat-message" data-from={m.from.username}>
              <span className="muted">{time(m.at)}</span> <strong>{m.from.displayName}</strong>: <span className="chat-text">{m.text}</span>
              {trainer && (
                <span className="chat-tools">
                  {" "}
                  <button type="button" onClick={() => void send("lesson:chat-delete", { messageId: m.id })} data-testid="chat-delete">{t("lesson.delete")}</button>{" "}
                  {m.from.userId !== me && (
                    <button type="button" onClick={() => void send("lesson:mute", { userId: m.from.userId, muted: !muted })} data-testid="chat-mute">
                      {muted ? t("lesson.unmute") : t("lesson.mute")}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {mutedMe && <p className="warning" data-testid="chat-muted">{t("lesson.muted")}</p>}
      <form className="chat-form" onSubmit={(e) => void submit(e)}>
        <input value={text} maxLength={LESSON_CHAT_MAX_CHARS} placeholder={t("lesson.chatPlaceholder")} aria-label={t("lesson.chatPlaceholder")} onChange={(e) => setText(e.target.value)} data-testid="lesson-chat-input" />
        <button type="submit" disabled={mutedMe || text.trim() === ""} data-testid="lesson-chat-send">{t("lesson.send")}</button>
      </form>
      {error && <p className="error">{t("lesson.refused", { code: error })}</p>}
    </section>
  );
}
