import { type QuizKey, type QuizResponse, TelecalError } from "@telecal/protocols";

/**
 * Whether an answer is right, and what it scores: single choice, the one right option; multiple
 * choice, exactly the right set (no part marks: ticking every box must not pay); numeric, within
 * the tolerance of the value, either side, the bound included. Refuses an answer of the wrong shape.
 */
export function scoreAnswer(quizId: string, key: QuizKey, points: number, response: QuizResponse): { correct: boolean; score: number } {
  const refuse = (reason: string) => new TelecalError("TC_ERR_QUIZ_ANSWER", { quiz: quizId, reason });
  let correct: boolean;
  if (key.kind === "numeric") {
    if (!("value" in response)) throw refuse("a numeric question takes a value, not options");
    // A hair of slack for decimal input: 10.05 against 10 ± 0.05 is inside, as a person means it.
    correct = Math.abs(response.value - key.value) <= key.tolerance * (1 + 1e-9) + Number.EPSILON * Math.abs(key.value);
  } else {
    if (!("choices" in response)) throw refuse("a choice question takes options, not a value");
    const chosen = [...new Set(response.choices)];
    if (chosen.some((c) => c >= key.options.length)) throw refuse(`an option index is beyond the ${key.options.length} options`);
    if (key.kind === "single") {
      if (chosen.length !== 1) throw refuse("a single-choice question takes exactly one option");
      correct = chosen[0] === key.correct;
    } else {
      const right = new Set(key.correct);
      correct = chosen.length === right.size && chosen.every((c) => right.has(c));
    }
  }
  return { correct, score: correct ? points : 0 };
}
