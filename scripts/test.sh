#!/usr/bin/env bash
# The whole test suite on real servers: installs dependencies if needed, starts the servers of the
# `test` profile (separate ports and data from a developer's own stack), type-checks, lints, builds,
# runs unit + integration + e2e tests, and stops the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/jest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

export INFRA_PROFILE=test
state=.cache/infra/test
already_up=0
if [ -f "$state/kafka.pid" ] && kill -0 "$(cat "$state/kafka.pid")" 2>/dev/null; then already_up=1; fi
if [ "$already_up" = 0 ] && [ "${KEEP_INFRA:-0}" != 1 ]; then
  trap 'bash scripts/infra-down.sh' EXIT
fi
bash scripts/infra-up.sh
# The metrics e2e scrapes every app with a real Prometheus (Debian's package), started by the test.
bash scripts/ensure-apt-packages.sh prometheus chromium
# shellcheck disable=SC1091
source "$state/env"

npm run --silent typecheck
npm run --silent lint
npm run --silent build
npx jest --ci "$@"
