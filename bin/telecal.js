#!/usr/bin/env node
// The command line is TypeScript run through tsx, so that `npx telecal` needs no build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
