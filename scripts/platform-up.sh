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

run_dir=.cache/platform/$INFRA_PROFILE
mkdir -p "$run_dir"
# Local secrets, made once per profile and kept out of git: the operator token, the product-token key, the password
# of the platform's RabbitMQ user, the console's session key, the apps' /metrics token, the seed of the platform's
# PostgreSQL passwords and the embedded vault's encryption key (production passes its own through the environment).
secrets_file="$run_dir/secrets.env"
(
  umask 077
  touch "$secrets_file"
  # Each one made once; a file from an older version gets the ones it lacks.
  for var in ADMIN_API_TOKEN PRODUCT_TOKEN_SECRET RABBITMQ_PLATFORM_PASSWORD CONSOLE_SESSION_KEY METRICS_TOKEN ENCLAVE_PG_ROLE_SEED; do
    grep -q "^export $var=" "$secrets_file" ||
      echo "export $var=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" >>"$secrets_file"
  done
  grep -q "^export SECRETS_ENCRYPTION_KEY=" "$secrets_file" ||
    echo "export SECRETS_ENCRYPTION_KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" >>"$secrets_file"
)
# shellcheck disable=SC1090
source "$secrets_file"
# The platform's own RabbitMQ principal (not the bootstrap admin of infra-up's URL): an administrator
# with permissions on no vhost, made or checked through the management API.
platform_rabbitmq_mgmt_url=$(RABBITMQ_PLATFORM_USER=enclave-platform-$INFRA_PROFILE \
  RABBITMQ_PLATFORM_PASSWORD=$RABBITMQ_PLATFORM_PASSWORD SWC_NODE_PROJECT=tsconfig.json \
  node -r @swc-node/register scripts/rabbitmq-platform-user.ts)
# The platform's PostgreSQL roles (tools/postgres-roles): each app logs in as its own role owning only its
# schema, the postgres-provisioner works through a CREATEROLE + CREATEDB tenant admin, and PUBLIC loses
# CONNECT on the platform database and on `postgres` (ENCLAVE_PG_CLOSE_MAINTENANCE_DB=false leaves
# `postgres` as it is, on a server shared with others). The example products' shared databases a
# superuser made before (an older `npm start`) are delegated to the tenant admin. The superuser URL
# goes no further than this.
eval "$(PG_ADMIN_URL=$PG_ADMIN_URL ENCLAVE_DB=$db ENCLAVE_PG_ROLE_PREFIX=enclave_$INFRA_PROFILE \
  ENCLAVE_PG_ROLE_SEED=$ENCLAVE_PG_ROLE_SEED \
  ENCLAVE_PG_CLOSE_MAINTENANCE_DB=${ENCLAVE_PG_CLOSE_MAINTENANCE_DB:-true} \
  ENCLAVE_PG_DELEGATE_DATABASES=p_ledger,p_tracer \
  node dist/tools/postgres-roles/src/main.js)"
# The platform's own Kafka principals: one per app, with only the ACLs its topics need
# (scripts/kafka-platform-principals.ts), made as infra-up's super-user, which no app gets.
declare -A kafka_user kafka_password
if [ -n "${KAFKA_SASL_USERNAME:-}" ]; then
  principals=$(PRINCIPALS_FILE="$run_dir/kafka-principals.json" SWC_NODE_PROJECT=tsconfig.json \
    node -r @swc-node/register scripts/kafka-platform-principals.ts)
  while read -r role user password; do
    kafka_user[$role]=$user
    kafka_password[$role]=$password
  done <<<"$principals"
fi
# Nothing started below gets the super-user.
unset KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD
tenant_pg_url=$(node -e 'const u=new URL(process.argv[1]);console.log(`${u.protocol}//${u.host}`)' "$PG_ADMIN_URL")
for entry in "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  pid_file="$run_dir/$app.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "platform: $app already running (pid $(cat "$pid_file"))"
    continue
  fi
  database_url_var=ENCLAVE_DATABASE_URL_$(tr '[:lower:]-' '[:upper:]_' <<<"$app")
  tenant_admin_url=""
  [ "$app" = postgres-provisioner ] && tenant_admin_url=$ENCLAVE_TENANT_PG_ADMIN_URL
  KAFKA_SASL_USERNAME=${kafka_user[app:$app]:-} KAFKA_SASL_PASSWORD=${kafka_password[app:$app]:-} \
    HTTP_PORT=$port DATABASE_URL=${!database_url_var} KAFKA_BROKERS=$KAFKA_BROKERS MONGO_URL=$MONGO_URL \
    MONGO_ALLOW_UNAUTHENTICATED_TENANTS=${MONGO_ALLOW_UNAUTHENTICATED_TENANTS:-false} \
    RABBITMQ_MGMT_URL=$platform_rabbitmq_mgmt_url RABBITMQ_URL=$RABBITMQ_URL \
    TENANT_PG_ADMIN_URL=$tenant_admin_url TENANT_PG_URL=$tenant_pg_url SECRET_STORE=embedded \
    ADMIN_API_TOKEN=$ADMIN_API_TOKEN PRODUCT_TOKEN_SECRET=$PRODUCT_TOKEN_SECRET \
    SECRETS_ENCRYPTION_KEY=$SECRETS_ENCRYPTION_KEY METRICS_TOKEN=$METRICS_TOKEN \
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

echo "Publishing the example products:"
REGISTRY_URL=http://127.0.0.1:7100 ADMIN_API_TOKEN=$ADMIN_API_TOKEN SWC_NODE_PROJECT=tsconfig.json \
  node -r @swc-node/register scripts/publish-example-products.ts

# The operator console: no stage (so not in platform-apps.json), a page over the registry's API.
console_pid_file="$run_dir/operator-console.pid"
if ! { [ -f "$console_pid_file" ] && kill -0 "$(cat "$console_pid_file")" 2>/dev/null; }; then
  platform_apps=$(printf '%s\n' "${ENCLAVE_APPS[@]}" | sed 's#^\(.*\):\(.*\)$#\1=http://127.0.0.1:\2#' | paste -sd, -)
  # With the apps' metrics token, so it shows their consumer lag and outbox backlog, not only health.
  HTTP_PORT=7110 REGISTRY_URL=http://127.0.0.1:7100 CONSOLE_SESSION_KEY=$CONSOLE_SESSION_KEY \
    METRICS_TOKEN=$METRICS_TOKEN PLATFORM_APPS=$platform_apps nohup node --enable-source-maps dist/apps/operator-console/src/main.js \
    >"$run_dir/operator-console.log" 2>&1 &
  echo $! >"$console_pid_file"
fi
until curl -fs http://127.0.0.1:7110/health/ready >/dev/null; do
  if ! kill -0 "$(cat "$console_pid_file")" 2>/dev/null || [ $SECONDS -ge $((deadline + 30)) ]; then
    echo "platform: operator-console did not become ready; last log lines:" >&2
    tail -n 20 "$run_dir/operator-console.log" >&2
    exit 1
  fi
  sleep 0.3
done

echo
echo "Enclave is up (profile $INFRA_PROFILE, platform database $db)."
for entry in "${ENCLAVE_APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  printf '  %-22s http://127.0.0.1:%s   health: /health  readiness: /health/ready   log: %s\n' "$app" "$port" "$root/$run_dir/$app.log"
done
echo "  admin API              http://127.0.0.1:7100/v1 (OpenAPI: /openapi.json, /docs); status view http://127.0.0.1:7106/v1 (all with the operator token)"
echo "  operator console       http://127.0.0.1:7110 (log in with the operator token)"
echo "  operator token         source $root/$secrets_file  # then: curl -H \"Authorization: Bearer \$ADMIN_API_TOKEN\" http://127.0.0.1:7100/v1/products"
echo "Stop everything with: npm run stop"
