import { CHAT_MAX_CHARS } from "@telecal/protocols";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSessionSnapshot, useSessionStore } from "./context";

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** The session's chat: the latest messages (a late joiner sees them too) and a line to write one. */
export function ChatPanel() {
  const { t } = useTranslation();
  const store = useSessionStore();
  const { kind, state } = useSessionSnapshot();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const count = state?.chat.length ?? 0;
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [count]);
  if (!state || !store) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const reply = await store.chat(text);
    if (reply.ok) {
      setText("");
      setError(null);
    } else setError(reply.error.code);
  };
  return (
    <section className="panel session-chat" aria-labelledby="chat-heading" data-testid="chat">
      <h2 id="chat-heading">{t("session.chat")}</h2>
      <ol className="chat-list" ref={list}>
        {state.chat.map((m) => (
          <li key={m.id} data-testid="chat-message" data-from={m.from.username}>
            <span className="muted">{time(m.at)}</span> <strong>{m.from.displayName}</strong>: <span className="chat-text">{m.text}</span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={(e) => void submit(e)}>
        <input
          data-testid="chat-input"
          value={text}
          maxLength={CHAT_MAX_CHARS}
          placeholder={t("session.chatPlaceholder")}
          aria-label={t("session.chatPlaceholder")}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="chat-send" disabled={kind !== "joined" || text.trim() === ""}>
          {t("session.send")}
        </button>
      </form>
      {error && <p className="error">{t("session.refused", { code: error })}</p>}
    </section>
  );
}
