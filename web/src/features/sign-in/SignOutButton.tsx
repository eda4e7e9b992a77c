import type { UserInfo } from "@telecal/protocols";
import { useTranslation } from "react-i18next";

export function SignOutButton({ user, onSignOut }: { user: UserInfo; onSignOut: () => void }) {
  const { t } = useTranslation();
  return (
    <span className="user-box">
      <span className="muted" data-testid="signed-in-user">
        {user.displayName} · {t(`role.${user.role}`)}
      </span>
      <button type="button" className="lang-switch" data-testid="sign-out" onClick={onSignOut}>
        {t("signIn.signOut")}
      </button>
    </span>
  );
}
