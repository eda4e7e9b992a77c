import { z } from "zod";

/** Ids are chosen by people in config files and travel in URLs: keep them short and plain. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 letters, digits, '.', '_' or '-'");
export type Id = z.infer<typeof Id>;
