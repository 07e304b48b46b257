#!/usr/bin/env bash
# Start (or reuse) the real servers the platform and its tests need on this machine:
#   Kafka 3.9 (KRaft, single node, from Maven Central jars), a MongoDB-wire-protocol server
#   (mongo-java-server, in memory), the machine's own PostgreSQL 15 and RabbitMQ (+ management API),
#   and a private PostgreSQL cluster that requires scram-sha-256 (PG_SCRAM_ADMIN_URL), where tests see
#   the server itself refuse a wrong password (scripts/bench-postgres.sh; stopped by infra-down.sh).
#
#   INFRA_PROFILE=dev|test (default dev)  separate ports and data per profile (see scripts/lib/infra-common.sh)
#   KAFKA_BROKERS / MONGO_URL             already set (to anything but this profile's own address):
#                                         use that server, start nothing (Kafka's login then comes
#                                         from KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, if any)
#   INFRA_KAFKA_ADMIN_PASSWORD            password of a new profile's Kafka super-user (default random)
#   PG_ADMIN_URL                          default postgres://postgres@127.0.0.1:5432/postgres
#   RABBITMQ_URL / RABBITMQ_MGMT_URL      default amqp://guest:guest@127.0.0.1:5672 / http://guest:guest@127.0.0.1:15672
#   INFRA_RABBITMQ_MIN_OPEN_FILES         the machine's RabbitMQ running with fewer open files than this
#                                         (default 8192; 0: never) is restarted with the hard limit
#                                         (deploy/local/rabbitmq/rabbitmq-env.conf): at 1,024 a node
#                                         stops at a few hundred vhosts
#
# Kafka authenticates every client (SASL_PLAINTEXT, SCRAM-SHA-512) and authorizes with ACLs
# (StandardAuthorizer, nothing allowed without an ACL). Its super-user `admin` gets a password per
# profile (kept in .cache/infra/<profile>/kafka/admin.password), written to the env file as
# KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD for infra and tests; apps get principals of their own
# (scripts/kafka-platform-principals.ts, the e2e harness).
#
# Idempotent: with everything already up it starts nothing and takes about a second.
# Writes .cache/infra/<profile>/env (export KEY=value lines) and prints one summary line per system.
# Stop with scripts/infra-down.sh (same INFRA_PROFILE).
set -euo pipefail

# shellcheck source=scripts/lib/infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/infra-common.sh"

READY_TIMEOUT_S="${INFRA_READY_TIMEOUT_S:-90}"
SUMMARY=()
summary() { SUMMARY+=("$(printf '%-9s %-8s %s' "$1" "$2" "$3")"); }

command -v java >/dev/null || infra_die "java not found (Java 17 is required)"

# --- jars --------------------------------------------------------------------------------------------

# ensure_jars HOME POM: copy the pom's runtime dependencies into HOME/lib once; redo it only when the
# pom's sha256 changes.
ensure_jars() {
  local home="$1" pom="$2" stamp want t0
  want="$(sha256sum <"$pom" | cut -d' ' -f1)"
  stamp="$home/.stamp"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$home/lib" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || infra_die "mvn not found; it is needed once to fetch $(basename "$home")"
  t0="$(infra_now_ms)"
  infra_log "fetching $(basename "$home") jars with mvn (once)..."
  rm -rf "$home"
  mkdir -p "$home"
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies \
    -DoutputDirectory="$home/lib" -DincludeScope=runtime >"$home/mvn.log" 2>&1; then
    tail -n 40 "$home/mvn.log" >&2
    infra_die "mvn dependency:copy-dependencies failed for $pom (log: $home/mvn.log)"
  fi
  echo "$want" >"$stamp"
  infra_log "$(basename "$home") jars ready in $(($(infra_now_ms) - t0)) ms"
}

# ensure_java_class SRC HOME DIR: compile SRC against HOME/lib's jars into HOME/DIR once (a compiled
# class starts ~1 s faster than a single-file source launch); recompile when the source or the jars
# change.
ensure_java_class() {
  local src="$1" home="$2" out="$2/$3" want
  want="$(cat "$src" "$home/.stamp" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$want" ]]; then
    return 0
  fi
  command -v javac >/dev/null || infra_die "javac not found (a JDK 17 is required)"
  rm -rf "$out"
  mkdir -p "$out"
  if ! javac -nowarn -d "$out" -cp "$home/lib/*" "$src" >"$out/javac.log" 2>&1; then
    cat "$out/javac.log" >&2
    infra_die "javac of $src failed"
  fi
  echo "$want" >"$out/.stamp"
}

# MongoServerMain (the embedded MongoDB wire server) and KafkaScramUsers (the SCRAM users of app and
# product principals, scripts/kafka/kafka-principals.ts).
ensure_mongo_main() { ensure_java_class "$MONGO_MAIN_SRC" "$MONGO_HOME" classes; }
ensure_kafka_scram_users() { ensure_java_class "$KAFKA_SCRAM_USERS_SRC" "$KAFKA_HOME" tools; }

# wait_ready NAME PID PORT LOG PATTERN: until PORT answers and LOG contains PATTERN; fail fast if PID dies.
wait_ready() {
  local name="$1" pid="$2" port="$3" log="$4" pattern="$5" deadline
  deadline=$(($(infra_now_ms) + READY_TIMEOUT_S * 1000))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" >&2 || true
      infra_die "$name (pid $pid) exited during startup; log: $log"
    fi
    if grep -q -- "$pattern" "$log" 2>/dev/null && infra_port_open "$INFRA_HOST" "$port"; then
      return 0
    fi
    if (($(infra_now_ms) > deadline)); then
      tail -n 40 "$log" >&2 || true
      infra_die "$name not ready on $INFRA_HOST:$port after ${READY_TIMEOUT_S}s; log: $log"
    fi
    sleep 0.2
  done
}

# adopt_or_fail NAME PORT: the port answers but our pid file does not say so. Adopt the listener if it
# was started from this profile's state dir (lost pid file), else refuse to start over someone else.
adopt_or_fail() {
  local name="$1" port="$2" lpid
  lpid="$(infra_listener_pid "$port")"
  if [[ -n "$lpid" ]] && infra_pid_matches "$lpid" "$INFRA_STATE/$name"; then
    echo "$lpid" >"$INFRA_STATE/$name.pid"
    echo "$lpid"
    return 0
  fi
  infra_die "$INFRA_HOST:$port is already in use by another process (pid ${lpid:-unknown}) that is not" \
    "this profile's $name; stop it or use another INFRA_PROFILE"
}

# start_detached LOG CMD...: run CMD in its own session (survives the caller's Ctrl-C), print its pid.
start_detached() {
  local log="$1"
  shift
  if [[ -f "$log" ]]; then mv -f "$log" "$log.1"; fi
  # Without job control a background child is not a process-group leader, so setsid does not fork
  # and $! is the java process itself. 9>&- : the child must not inherit the profile lock.
  nohup setsid "$@" </dev/null >"$log" 2>&1 9>&- &
  echo $!
}

# --- Kafka -------------------------------------------------------------------------------------------

kafka_up() {
  local own="$INFRA_HOST:$INFRA_KAFKA_PORT"
  if [[ -n "${KAFKA_BROKERS:-}" && "$KAFKA_BROKERS" != "$own" ]]; then
    # Someone else's broker: its credentials (if any) come with KAFKA_SASL_USERNAME/PASSWORD.
    KAFKA_SASL_USERNAME="${KAFKA_SASL_USERNAME:-}" KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-}"
    summary kafka external "$KAFKA_BROKERS"
    return 0
  fi
  KAFKA_BROKERS="$own"
  ensure_jars "$KAFKA_HOME" "$KAFKA_POM"
  ensure_kafka_scram_users

  local dir="$INFRA_STATE/kafka" pid t0
  mkdir -p "$dir"
  # The profile's Kafka super-user: made once per profile, kept beside its data (the SCRAM
  # credential lives in the cluster's metadata from the storage format on).
  KAFKA_SASL_USERNAME=admin
  # INFRA_KAFKA_ADMIN_PASSWORD: the password a new profile's super-user gets (a test that starts a
  # broker of its own knows it before the first start); default random.
  if [[ ! -s "$dir/admin.password" ]]; then
    (umask 077 && if [[ -n "${INFRA_KAFKA_ADMIN_PASSWORD:-}" ]]; then printf '%s' "$INFRA_KAFKA_ADMIN_PASSWORD"; else
      head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
    fi >"$dir/admin.password")
  fi
  KAFKA_SASL_PASSWORD="$(cat "$dir/admin.password")"

  pid="$(infra_recorded_pid kafka)"
  if [[ -n "$pid" ]] && ! grep -qs '^sasl.enabled.mechanisms=SCRAM-SHA-512$' "$dir/server.properties"; then
    # A broker of this profile from before SASL: stop it; its storage is formatted again below.
    infra_log "kafka (pid $pid) runs without SASL; stopping it to start it with SASL"
    infra_stop_pids "kafka=$pid"
    rm -f "$INFRA_STATE/kafka.pid"
    pid=""
  fi
  if [[ -n "$pid" ]] && infra_port_open "$INFRA_HOST" "$INFRA_KAFKA_PORT"; then
    summary kafka reused "$own (pid $pid, SASL SCRAM-SHA-512)"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    # Ours, alive, port not answering yet: an earlier start still coming up.
    wait_ready kafka "$pid" "$INFRA_KAFKA_PORT" "$dir/kafka.log" "Kafka Server started"
    summary kafka reused "$own (pid $pid, SASL SCRAM-SHA-512)"
    return 0
  fi
  if infra_port_open "$INFRA_HOST" "$INFRA_KAFKA_PORT"; then
    pid="$(adopt_or_fail kafka "$INFRA_KAFKA_PORT")"
    summary kafka reused "$own (pid $pid, adopted)"
    return 0
  fi
  if infra_port_open "$INFRA_HOST" "$INFRA_KAFKA_CONTROLLER_PORT"; then
    infra_die "Kafka controller port $INFRA_HOST:$INFRA_KAFKA_CONTROLLER_PORT is in use by another process" \
      "(pid $(infra_listener_pid "$INFRA_KAFKA_CONTROLLER_PORT"))"
  fi

  ensure_jars "$KAFKA_HOME" "$KAFKA_POM"
  t0="$(infra_now_ms)"
  if [[ -f "$dir/data/meta.properties" && ! -f "$dir/sasl.formatted" ]]; then
    # Storage formatted before SASL holds no SCRAM credential for the super-user: start afresh.
    infra_log "kafka storage predates SASL; formatting it again (its topics are dropped)"
    rm -rf "$dir/data"
  fi
  mkdir -p "$dir/data"
  if [[ ! -s "$dir/cluster.id" ]]; then infra_kafka_cluster_id >"$dir/cluster.id"; fi
  local pw="$KAFKA_SASL_PASSWORD"
  (
    umask 077
    cat >"$dir/server.properties" <<EOF
# Generated by scripts/infra-up.sh (profile $INFRA_PROFILE); rewritten on every start. Holds the
# super-user's password (mode 600).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$INFRA_HOST:$INFRA_KAFKA_CONTROLLER_PORT
# Clients authenticate with SCRAM-SHA-512 (credentials in the cluster metadata, made with
# kafka-storage format --add-scram and the admin API). The controller listener uses PLAIN with one
# static user: the controller serves the metadata SCRAM credentials live in.
listeners=SASL_PLAINTEXT://$INFRA_HOST:$INFRA_KAFKA_PORT,CONTROLLER://$INFRA_HOST:$INFRA_KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$INFRA_HOST:$INFRA_KAFKA_PORT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$pw";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$pw" user_admin="$pw";
# Nothing is allowed that no ACL allows; the super-user (infra, tests, ACL setup) is exempt.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=$dir/data
num.partitions=6
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
log.segment.bytes=67108864
EOF
  )

  # JVM flags: C1-only compilation (TieredStopAtLevel=1) starts Kafka measurably faster on this 2-core
  # machine (about 5.5 s instead of 9 s when the machine is busy, 3.3 s instead of 4 s when idle);
  # SerialGC keeps the thread count and footprint low. INFRA_KAFKA_JVM_OPTS replaces both (e.g.
  # "-XX:+UseG1GC" for throughput benchmarks).
  local -a tuning
  read -r -a tuning <<<"${INFRA_KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
  local jvm=(java -Xms256m -Xmx768m "${tuning[@]}" -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dlog4j.configuration="file:$KAFKA_LOG4J" -cp "$KAFKA_HOME/lib/*")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    if ! "${jvm[@]}" kafka.tools.StorageTool format --cluster-id="$(cat "$dir/cluster.id")" \
      -c "$dir/server.properties" --ignore-formatted \
      --add-scram "SCRAM-SHA-512=[name=admin,password=$pw]" >"$dir/format.log" 2>&1; then
      cat "$dir/format.log" >&2
      infra_die "kafka storage format failed"
    fi
    touch "$dir/sasl.formatted"
  fi
  pid="$(start_detached "$dir/kafka.log" "${jvm[@]}" kafka.Kafka "$dir/server.properties")"
  echo "$pid" >"$INFRA_STATE/kafka.pid"
  wait_ready kafka "$pid" "$INFRA_KAFKA_PORT" "$dir/kafka.log" "Kafka Server started"
  summary kafka started "$own (pid $pid, SASL SCRAM-SHA-512, $(($(infra_now_ms) - t0)) ms)"
}

# --- Mongo (mongo-java-server) -----------------------------------------------------------------------

mongo_up() {
  local own="mongodb://$INFRA_HOST:$INFRA_MONGO_PORT"
  if [[ -n "${MONGO_URL:-}" && "$MONGO_URL" != "$own" ]]; then
    MONGO_SERVER_KIND=external
    summary mongo external "$(infra_mask_url "$MONGO_URL")"
    return 0
  fi
  MONGO_URL="$own"
  MONGO_SERVER_KIND=mongo-java-server

  local dir="$INFRA_STATE/mongo" pid t0
  pid="$(infra_recorded_pid mongo)"
  if [[ -n "$pid" ]]; then
    wait_ready mongo "$pid" "$INFRA_MONGO_PORT" "$dir/mongo.log" "listening on"
    summary mongo reused "$own (pid $pid)"
    return 0
  fi
  if infra_port_open "$INFRA_HOST" "$INFRA_MONGO_PORT"; then
    pid="$(adopt_or_fail mongo "$INFRA_MONGO_PORT")"
    summary mongo reused "$own (pid $pid, adopted)"
    return 0
  fi

  ensure_jars "$MONGO_HOME" "$MONGO_POM"
  ensure_mongo_main
  t0="$(infra_now_ms)"
  mkdir -p "$dir"
  pid="$(start_detached "$dir/mongo.log" java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -Denclave.infra.state="$dir" \
    -cp "$MONGO_HOME/classes:$MONGO_HOME/lib/*" MongoServerMain "$INFRA_HOST" "$INFRA_MONGO_PORT")"
  echo "$pid" >"$INFRA_STATE/mongo.pid"
  wait_ready mongo "$pid" "$INFRA_MONGO_PORT" "$dir/mongo.log" "listening on"
  summary mongo started "$own (pid $pid, $(($(infra_now_ms) - t0)) ms)"
}

# --- PostgreSQL (the machine's own) ------------------------------------------------------------------

pg_up() {
  local default="postgres://postgres@127.0.0.1:5432/postgres" i
  if [[ -n "${PG_ADMIN_URL:-}" && "$PG_ADMIN_URL" != "$default" ]]; then
    psql "$PG_ADMIN_URL" -XAtqc 'select 1' >/dev/null 2>&1 ||
      infra_die "PostgreSQL at $(infra_mask_url "$PG_ADMIN_URL") (PG_ADMIN_URL) does not answer"
    summary postgres external "$(infra_mask_url "$PG_ADMIN_URL")"
    return 0
  fi
  PG_ADMIN_URL="$default"
  if psql "$PG_ADMIN_URL" -XAtqc 'select 1' >/dev/null 2>&1; then
    summary postgres reused "$PG_ADMIN_URL"
    return 0
  fi
  if pg_isready -q -d "$PG_ADMIN_URL" -t 1; then
    infra_die "PostgreSQL answers on 127.0.0.1:5432 but 'select 1' as postgres fails"
  fi
  command -v pg_ctlcluster >/dev/null || infra_die "PostgreSQL is down and pg_ctlcluster is not installed"
  infra_log "starting the local PostgreSQL 15 cluster..."
  pg_ctlcluster --skip-systemctl-redirect 15 main start >&2 ||
    infra_die "pg_ctlcluster --skip-systemctl-redirect 15 main start failed"
  for ((i = 0; i < 300; i++)); do
    if psql "$PG_ADMIN_URL" -XAtqc 'select 1' >/dev/null 2>&1; then
      summary postgres started "$PG_ADMIN_URL"
      return 0
    fi
    sleep 0.2
  done
  infra_die "PostgreSQL did not accept connections within 60 s after pg_ctlcluster start"
}

# --- a private PostgreSQL that checks passwords -------------------------------------------------------

# The machine's server trusts 127.0.0.1, so a wrong password logs in there. Tests that must see the
# server itself refuse a wrong, rotated-out or neighbour's password provision tenants on this private
# cluster (scram-sha-256 required for every login), built from the installed binaries by
# scripts/bench-postgres.sh in this profile's state folder.
scram_pg_up() {
  local out
  PG_SCRAM_ADMIN_URL=""
  if [[ -z "$INFRA_SCRAM_PG_PORT" ]]; then
    summary pg-scram skipped "no INFRA_SCRAM_PG_PORT for profile $INFRA_PROFILE"
    return 0
  fi
  out="$(BENCH_PG_STATE="$INFRA_STATE/scram-postgres" BENCH_PG_PORT="$INFRA_SCRAM_PG_PORT" \
    BENCH_PG_AUTH=scram-sha-256 BENCH_PG_MAX_CONNECTIONS=100 \
    bash "$INFRA_REPO/scripts/bench-postgres.sh" start)" ||
    infra_die "the private scram-sha-256 PostgreSQL did not start (log: $INFRA_STATE/scram-postgres/postgres.log)"
  PG_SCRAM_ADMIN_URL="$(sed -n 's/^export BENCH_PG_URL=//p' "$INFRA_STATE/scram-postgres/env")"
  [[ -n "$PG_SCRAM_ADMIN_URL" ]] || infra_die "scripts/bench-postgres.sh wrote no URL"
  summary pg-scram "$(awk '{print $2}' <<<"$out")" "$(infra_mask_url "$PG_SCRAM_ADMIN_URL") (passwords checked)"
}

# --- RabbitMQ (the machine's own) + management API ---------------------------------------------------

# The machine's RabbitMQ, started with this repository's env file (deploy/local/rabbitmq): the open
# files it needs for many vhosts. 9>&- : the node outlives this script and must not hold its lock.
rabbit_start() {
  command -v rabbitmq-server >/dev/null || infra_die "RabbitMQ is down and rabbitmq-server is not installed"
  infra_log "starting RabbitMQ (rabbitmq-server -detached)..."
  RABBITMQ_CONF_ENV_FILE="$INFRA_REPO/deploy/local/rabbitmq/rabbitmq-env.conf" \
    rabbitmq-server -detached >&2 9>&- || infra_die "rabbitmq-server -detached failed"
}

# The soft open-files limit of the running node (empty when it cannot be read).
rabbit_open_files() {
  local pid
  pid="$(pgrep -f 'beam.smp.*-s rabbit boot' | head -1 || true)"
  [[ -n "$pid" && -r "/proc/$pid/limits" ]] || return 0
  awk '/^Max open files/ {print $4}' "/proc/$pid/limits"
}

# Stops the local node (RabbitMQ keeps its definitions on disk) so it can start again.
rabbit_stop() {
  local i
  infra_log "stopping RabbitMQ ($1)..."
  rabbitmqctl stop >&2 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    infra_port_open 127.0.0.1 5672 || return 0
    sleep 0.2
  done
  infra_die "RabbitMQ did not stop within 30 s"
}

# Below this many open files a node is restarted (by rabbit_start's env file); enough for a few
# thousand vhosts. 0 turns the check off.
RABBIT_MIN_OPEN_FILES="${INFRA_RABBITMQ_MIN_OPEN_FILES:-8192}"

rabbit_up() {
  local default_amqp="amqp://guest:guest@127.0.0.1:5672" default_mgmt="http://guest:guest@127.0.0.1:15672"
  local state=reused i enabled_file open_files
  RABBITMQ_URL="${RABBITMQ_URL:-$default_amqp}"
  RABBITMQ_MGMT_URL="${RABBITMQ_MGMT_URL:-$default_mgmt}"
  local mgmt="${RABBITMQ_MGMT_URL%/}"

  mgmt_ok() { curl -fsS -m 3 -o /dev/null "$mgmt/api/overview" 2>/dev/null; }

  if [[ "$RABBITMQ_URL" != "$default_amqp" || "$RABBITMQ_MGMT_URL" != "$default_mgmt" ]]; then
    mgmt_ok || infra_die "RabbitMQ management API at $(infra_mask_url "$mgmt") does not answer"
    summary rabbitmq external "$(infra_mask_url "$RABBITMQ_URL") (management $(infra_mask_url "$mgmt"))"
    return 0
  fi
  # A node started with too few open files (the machine's own start, through `su`) is restarted
  # once, with the hard limit: it would stop at a few hundred vhosts.
  open_files="$(rabbit_open_files)"
  if [[ -n "$open_files" && "$open_files" != unlimited && "$RABBIT_MIN_OPEN_FILES" -gt 0 ]] &&
    ((open_files < RABBIT_MIN_OPEN_FILES)) && command -v rabbitmqctl >/dev/null; then
    rabbit_stop "its open-files limit is $open_files, below $RABBIT_MIN_OPEN_FILES"
    state="restarted ($open_files open files were too few)"
  fi
  # Fast path: broker and management plugin already up.
  if [[ "$state" == reused ]] && mgmt_ok; then
    summary rabbitmq reused "$(infra_mask_url "$RABBITMQ_URL") (management $(infra_mask_url "$mgmt"))"
    return 0
  fi
  if ! infra_port_open 127.0.0.1 5672; then
    rabbit_start
    [[ "$state" == reused ]] && state=started
    for ((i = 0; i < 300; i++)); do
      infra_port_open 127.0.0.1 5672 && break
      sleep 0.2
    done
    infra_port_open 127.0.0.1 5672 || infra_die "RabbitMQ did not open 127.0.0.1:5672 within 60 s"
  fi
  # `rabbitmq-plugins enable` is idempotent but slow: skip it when the plugin is already listed.
  enabled_file="${RABBITMQ_ENABLED_PLUGINS_FILE:-/etc/rabbitmq/enabled_plugins}"
  if ! grep -qs 'rabbitmq_management[],. ]' "$enabled_file"; then
    infra_log "enabling rabbitmq_management..."
    rabbitmq-plugins enable rabbitmq_management >&2 || infra_die "rabbitmq-plugins enable rabbitmq_management failed"
    [[ "$state" == started ]] || state="reused, management enabled"
  fi
  for ((i = 0; i < 300; i++)); do
    if mgmt_ok; then
      summary rabbitmq "$state" "$(infra_mask_url "$RABBITMQ_URL") (management $(infra_mask_url "$mgmt"))"
      return 0
    fi
    sleep 0.2
  done
  infra_die "RabbitMQ management API $(infra_mask_url "$mgmt")/api/overview did not answer within 60 s"
}

# --- main --------------------------------------------------------------------------------------------

infra_lock
t_start="$(infra_now_ms)"
pg_up
scram_pg_up
rabbit_up
kafka_up
mongo_up

env_file="$INFRA_STATE/env"
# The embedded server has no user management: its tenant databases are unauthenticated, which the
# mongo-provisioner refuses unless told this is development. An external server must enforce users.
mongo_allow_unauthenticated=false
# The env file holds passwords.
umask 077
if [[ "$MONGO_SERVER_KIND" == mongo-java-server ]]; then mongo_allow_unauthenticated=true; fi
{
  echo "# Written by scripts/infra-up.sh; source it: . $env_file"
  printf 'export %s=%q\n' \
    INFRA_PROFILE "$INFRA_PROFILE" \
    KAFKA_BROKERS "$KAFKA_BROKERS" \
    MONGO_URL "$MONGO_URL" \
    MONGO_SERVER_KIND "$MONGO_SERVER_KIND" \
    MONGO_ALLOW_UNAUTHENTICATED_TENANTS "$mongo_allow_unauthenticated" \
    PG_ADMIN_URL "$PG_ADMIN_URL" \
    RABBITMQ_URL "$RABBITMQ_URL" \
    RABBITMQ_MGMT_URL "$RABBITMQ_MGMT_URL"
  if [[ -n "$PG_SCRAM_ADMIN_URL" ]]; then
    printf 'export %s=%q\n' PG_SCRAM_ADMIN_URL "$PG_SCRAM_ADMIN_URL"
  fi
  # Kafka's super-user (SASL SCRAM-SHA-512): for infra, tests and the ACL setup, not for apps.
  if [[ -n "$KAFKA_SASL_USERNAME" ]]; then
    printf 'export %s=%q\n' \
      KAFKA_SASL_MECHANISM "${KAFKA_SASL_MECHANISM:-scram-sha-512}" \
      KAFKA_SASL_USERNAME "$KAFKA_SASL_USERNAME" \
      KAFKA_SASL_PASSWORD "$KAFKA_SASL_PASSWORD"
  fi
} >"$env_file.tmp"
mv -f "$env_file.tmp" "$env_file"

for line in "${SUMMARY[@]}"; do echo "infra[$INFRA_PROFILE]: $line"; done
echo "infra[$INFRA_PROFILE]: ready in $(($(infra_now_ms) - t_start)) ms; env: $env_file"
