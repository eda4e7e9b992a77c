import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "./api";

interface Props {
  onSignIn: (username: string, password: string) => Promise<void>;
}

/** The only page a visitor without a session sees. */
export function SignInPage({ onSignIn }: Props) {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignIn(username, password);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : "network";
      setError(code === "TC_ERR_AUTH_BAD_PASSWORD" ? t("signIn.badPassword") : code === "TC_ERR_AUTH_RATE_LIMITED" ? t("signIn.rateLimited") : t("signIn.failed", { code }));
      setBusy(false);
    }
  }

  return (
    <form className="sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">{t("signIn.heading")}</h1>
      <label>
        <span>{t("signIn.username")}</span>
        <input data-testid="sign-in-username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        <span>{t("signIn.password")}</span>
        <input data-testid="sign-in-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error !== null && (
        <p className="sign-in-error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      )}
      <button type="submit" data-testid="sign-in-submit" disabled={busy}>
        {t("signIn.submit")}
      </button>
    </form>
  );
}
