import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { woffToSfnt } from "./woff";

/**
 * Noto Sans SC from the @fontsource/noto-sans-sc npm package (SIL OFL 1.1): its simplified-Chinese
 * file also holds Latin letters and digits, so one font writes a whole certificate and no system
 * font is assumed. PDFKit embeds only the glyphs used (a subset).
 */
const require = createRequire(import.meta.url);
const FILES = join(dirname(require.resolve("@fontsource/noto-sans-sc/package.json")), "files");

export interface CjkFonts {
  regular: Buffer;
  bold: Buffer;
  /**
   * The package's slice that holds the ohm sign (U+2126) and other letter-like symbols: the
   * simplified-Chinese file has no Ω (neither U+03A9 nor U+2126), which resistance results need.
   */
  symbols: Buffer;
}

let cached: CjkFonts | undefined;

/** Read and unwrapped once per process: about 1.5 MB each. */
export function cjkFonts(): CjkFonts {
  cached ??= {
    regular: woffToSfnt(readFileSync(join(FILES, "noto-sans-sc-chinese-simplified-400-normal.woff"))),
    bold: woffToSfnt(readFileSync(join(FILES, "noto-sans-sc-chinese-simplified-700-normal.woff"))),
    symbols: woffToSfnt(readFileSync(join(FILES, "noto-sans-sc-90-400-normal.woff"))),
  };
  return cached;
}
