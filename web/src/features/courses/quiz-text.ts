import type { Quiz, QuizKey, QuizResponse } from "@telecal/protocols";

/** An answer as people read it: the options' texts, or the number with the unit. */
export function responseText(quiz: Quiz, response: QuizResponse): string {
  if ("value" in response) return `${response.value}${quiz.unit ? ` ${quiz.unit}` : ""}`;
  return response.choices.map((c) => quiz.options[c] ?? `#${c + 1}`).join("、");
}

/** What is right, as people read it: the options, or value ± tolerance. */
export function keyText(quiz: Quiz, key: QuizKey): string {
  if (key.kind === "numeric") return `${key.value} ± ${key.tolerance}${key.unit ? ` ${key.unit}` : ""}`;
  const right = key.kind === "single" ? [key.correct] : key.correct;
  return right.map((c) => quiz.options[c] ?? `#${c + 1}`).join("、");
}
