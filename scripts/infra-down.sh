#!/usr/bin/env bash
# Stop the servers scripts/infra-up.sh started for INFRA_PROFILE (default dev): exactly the processes
# whose pids it recorded (Kafka, mongo-java-server), SIGTERM, up to 20 s grace, then SIGKILL; and its
# private scram-sha-256 PostgreSQL cluster (pg_ctl stop).
# Never touches PostgreSQL or RabbitMQ (the machine's own services).
#   INFRA_WIPE=1  also delete the profile's state (.cache/infra/<profile>/: Kafka data, cluster id, logs).
set -euo pipefail

# shellcheck source=scripts/lib/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra-common.sh"

if [[ ! -d "$INFRA_STATE" ]]; then
  echo "infra[$INFRA_PROFILE]: nothing to stop ($INFRA_STATE does not exist)"
  exit 0
fi

infra_lock
t0="$(infra_now_ms)"
to_stop=()
for name in kafka mongo; do
  pidfile="$INFRA_STATE/$name.pid"
  if [[ ! -f "$pidfile" ]]; then
    echo "infra[$INFRA_PROFILE]: $name     not running (no pid file)"
    continue
  fi
  pid="$(infra_recorded_pid "$name")"
  if [[ -n "$pid" ]]; then
    to_stop+=("$name=$pid")
  else
    echo "infra[$INFRA_PROFILE]: $name     not running (stale pid file removed)"
    rm -f "$pidfile"
  fi
done
if ((${#to_stop[@]})); then
  infra_stop_pids "${to_stop[@]}"
  for entry in "${to_stop[@]}"; do
    rm -f "$INFRA_STATE/${entry%%=*}.pid"
    echo "infra[$INFRA_PROFILE]: ${entry%%=*}     stopped (pid ${entry#*=})"
  done
fi
if [[ -d "$INFRA_STATE/scram-postgres" ]]; then
  BENCH_PG_STATE="$INFRA_STATE/scram-postgres" BENCH_PG_AUTH=scram-sha-256 \
    bash "$INFRA_REPO/scripts/bench-postgres.sh" stop | sed "s/^bench-postgres:/infra[$INFRA_PROFILE]: pg-scram /"
fi
# The env file describes servers that are gone now.
rm -f "$INFRA_STATE/env"

if [[ "${INFRA_WIPE:-0}" == 1 ]]; then
  # Keep the lock file's directory until we exit; remove everything else.
  find "$INFRA_STATE" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  echo "infra[$INFRA_PROFILE]: wiped $INFRA_STATE"
fi
echo "infra[$INFRA_PROFILE]: down in $(($(infra_now_ms) - t0)) ms"
