import type { BindingCandidates } from "@telecal/protocols";
import { useEffect, useState } from "react";
import { api } from "../../api/platform";

/**
 * The server's word on which registry instruments fit each equipment of a procedure on an agent's
 * bench (the same check it makes when the job is created): undefined while it is asked.
 */
export function useCandidates(procedureId: string, agentId: string): { candidates: BindingCandidates["candidates"] | undefined; error: Error | null } {
  const [answer, setAnswer] = useState<{ key: string; candidates: BindingCandidates["candidates"] }>();
  const [error, setError] = useState<Error | null>(null);
  const key = `${procedureId}\n${agentId}`;
  useEffect(() => {
    if (procedureId === "" || agentId === "") return;
    let live = true;
    setError(null);
    api.candidates(procedureId, agentId).then(
      (a) => live && setAnswer({ key, candidates: a.candidates }),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [procedureId, agentId, key]);
  // An answer for another procedure or agent is not this one's.
  return { candidates: answer?.key === key ? answer.candidates : undefined, error };
}
