#!/usr/bin/env bash
# Stops the apps started by platform-up.sh (SIGTERM: they finish in-flight events), then the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apps.sh
export INFRA_PROFILE=${INFRA_PROFILE:-dev}
run_dir=.cache/platform/$INFRA_PROFILE
# The operator console first (it is no platform app, see platform-up.sh), then the apps.
for entry in operator-console:7110 "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  pid_file="$run_dir/$app.pid"
  [ -f "$pid_file" ] || continue
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "platform: stopped $app (pid $pid)"
  fi
  rm -f "$pid_file"
done
bash scripts/infra-down.sh
