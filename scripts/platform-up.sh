#!/usr/bin/env bash
# Brings up the whole platform on this machine: dependencies, real servers (dev profile), the
# platform database, then every app as a background process; prints the API and health endpoints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/apps.sh

if [ ! -x node_modules/.bin/nx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
export INFRA_PROFILE=${INFRA_PROFILE:-dev}
bash scripts/infra-up.sh
# shellcheck disable=SC1090
source ".cache/infra/$INFRA_PROFILE/env"
npm run --silent build

db=${ENCLAVE_DB:-enclave_$INFRA_PROFILE}
if ! psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$db\""
fi
database_url=$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.toString())' "$PG_ADMIN_URL" "$db")

run_dir=.cache/platform/$INFRA_PROFILE
mkdir -p "$run_dir"
for entry in "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  pid_file="$run_dir/$app.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "platform: $app already running (pid $(cat "$pid_file"))"
    continue
  fi
  HTTP_PORT=$port DATABASE_URL=$database_url KAFKA_BROKERS=$KAFKA_BROKERS MONGO_URL=$MONGO_URL \
    RABBITMQ_MGMT_URL=$RABBITMQ_MGMT_URL RABBITMQ_URL=$RABBITMQ_URL \
    nohup node --enable-source-maps "dist/apps/$app/src/main.js" >"$run_dir/$app.log" 2>&1 &
  echo $! >"$pid_file"
done

deadline=$((SECONDS + 90))
for entry in "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null; do
    if ! kill -0 "$(cat "$run_dir/$app.pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "platform: $app did not become ready; last log lines:" >&2
      tail -n 20 "$run_dir/$app.log" >&2
      exit 1
    fi
    sleep 0.3
  done
done

echo
echo "Enclave is up (profile $INFRA_PROFILE, platform database $db)."
for entry in "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  printf '  %-22s http://127.0.0.1:%s   health: /health  readiness: /health/ready   log: %s\n' "$app" "$port" "$root/$run_dir/$app.log"
done
echo "  admin API              http://127.0.0.1:7100 (tenant-registry)"
echo "Stop everything with: npm run stop"
