#!/usr/bin/env bash
# The unit project run a second time on Node 24 (the last step of `npm test`): the binary is the npm
# registry's `node` package, installed by `npm run setup` into .tools/node24. The unit project loads
# no native module (test/projects/classify.ts), so better-sqlite3, built for the Node that ran
# `npm ci`, is never loaded under 24.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24=.tools/node24/node_modules/.bin/node
if [ ! -x "$NODE24" ]; then
  echo "test-node24: $NODE24 is missing: run \`npm run setup\`" >&2
  exit 1
fi
echo "test-node24: unit project on $("$NODE24" --version)"
exec "$NODE24" node_modules/vitest/vitest.mjs run --project unit "$@"
