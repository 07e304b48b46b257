# shellcheck shell=bash
# Shared by scripts/infra-up.sh and scripts/infra-down.sh. Source it; do not run it.
#
# Profiles (INFRA_PROFILE, default "dev") keep separate ports and state so the test suite can run
# while a developer's own stack is up:
#   dev  : Kafka 127.0.0.1:19092 (controller 19093), Mongo 127.0.0.1:27027, scram PostgreSQL 15433
#   test : Kafka 127.0.0.1:29092 (controller 29093), Mongo 127.0.0.1:27037, scram PostgreSQL 15434
# Any other profile name needs INFRA_KAFKA_PORT, INFRA_KAFKA_CONTROLLER_PORT and INFRA_MONGO_PORT.
# Everything downloaded or written lives under $REPO/.cache/ (git-ignored).

INFRA_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_PROFILE="${INFRA_PROFILE:-dev}"
if [[ ! "$INFRA_PROFILE" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "infra: invalid INFRA_PROFILE '$INFRA_PROFILE' (letters, digits, _ and - only)" >&2
  exit 2
fi

case "$INFRA_PROFILE" in
  dev) _kp=19092 _kcp=19093 _mp=27027 _sp=15433 ;;
  test) _kp=29092 _kcp=29093 _mp=27037 _sp=15434 ;;
  *) _kp="" _kcp="" _mp="" _sp="" ;;
esac
INFRA_KAFKA_PORT="${INFRA_KAFKA_PORT:-$_kp}"
INFRA_KAFKA_CONTROLLER_PORT="${INFRA_KAFKA_CONTROLLER_PORT:-$_kcp}"
INFRA_MONGO_PORT="${INFRA_MONGO_PORT:-$_mp}"
INFRA_SCRAM_PG_PORT="${INFRA_SCRAM_PG_PORT:-$_sp}"
unset _kp _kcp _mp _sp
# INFRA_SCRAM_PG_PORT is optional for other profiles: without it, no password-checking cluster.
if [[ -z "$INFRA_KAFKA_PORT" || -z "$INFRA_KAFKA_CONTROLLER_PORT" || -z "$INFRA_MONGO_PORT" ]]; then
  echo "infra: profile '$INFRA_PROFILE' has no default ports; set INFRA_KAFKA_PORT," \
    "INFRA_KAFKA_CONTROLLER_PORT and INFRA_MONGO_PORT (and INFRA_SCRAM_PG_PORT for a password-checking PostgreSQL)" >&2
  exit 2
fi

INFRA_HOST=127.0.0.1
INFRA_CACHE="$INFRA_REPO/.cache"
INFRA_STATE="$INFRA_CACHE/infra/$INFRA_PROFILE"

KAFKA_VERSION=3.9.1
KAFKA_HOME="$INFRA_CACHE/jars/kafka-$KAFKA_VERSION"
KAFKA_POM="$INFRA_REPO/deploy/local/kafka/pom.xml"
KAFKA_LOG4J="$INFRA_REPO/deploy/local/kafka/log4j.properties"
KAFKA_SCRAM_USERS_SRC="$INFRA_REPO/deploy/local/kafka/KafkaScramUsers.java"
MONGO_HOME="$INFRA_CACHE/jars/mongo-java-server"
MONGO_POM="$INFRA_REPO/deploy/local/mongo/pom.xml"
MONGO_MAIN_SRC="$INFRA_REPO/deploy/local/mongo/MongoServerMain.java"

infra_log() { printf 'infra[%s]: %s\n' "$INFRA_PROFILE" "$*" >&2; }
infra_die() {
  printf 'infra[%s]: ERROR: %s\n' "$INFRA_PROFILE" "$*" >&2
  exit 1
}

# Milliseconds since the epoch (bash 5 EPOCHREALTIME; no subprocess).
infra_now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}

# A new Kafka cluster id: a base64url-encoded random 16-byte UUID (22 characters, no padding). Like
# Kafka's own Uuid.randomUuid, never one starting with "-" (1 in 64 would), which kafka-storage
# would read as an option.
infra_kafka_cluster_id() {
  local id
  until id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" && [[ "$id" != -* ]]; do :; done
  printf '%s' "$id"
}

# infra_port_open HOST PORT: true when something accepts TCP connections there.
infra_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# infra_pid_matches PID PATTERN: true when PID is alive and its command line contains PATTERN.
# The pattern (our own state directory) protects against a recycled pid.
infra_pid_matches() {
  local pid="$1" pattern="$2" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$pattern"* ]]
}

# infra_recorded_pid NAME: the pid in $INFRA_STATE/NAME.pid if that process is still ours, else empty.
infra_recorded_pid() {
  local f="$INFRA_STATE/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  if infra_pid_matches "$pid" "$INFRA_STATE/$1" && infra_alive "$pid"; then echo "$pid"; fi
}

# infra_listener_pid PORT: pid of the process listening on 127.0.0.1:PORT (empty if unknown).
infra_listener_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

# infra_alive PID: true while PID exists and is not a zombie. (PID 1 on these machines reaps orphans
# late, so a stopped server can linger as a zombie for seconds; kill -0 alone would wait for that.)
infra_alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# infra_stop_pids NAME=PID...: SIGTERM all at once, wait up to 20 s for all, then SIGKILL the rest.
infra_stop_pids() {
  local entry i left
  for entry in "$@"; do kill -TERM "${entry#*=}" 2>/dev/null || true; done
  for ((i = 0; i < 200; i++)); do
    left=0
    for entry in "$@"; do infra_alive "${entry#*=}" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
  for entry in "$@"; do
    if infra_alive "${entry#*=}"; then
      infra_log "${entry%%=*} (pid ${entry#*=}) still running after 20 s; sending SIGKILL"
      kill -KILL "${entry#*=}" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 50; i++)); do
    left=0
    for entry in "$@"; do infra_alive "${entry#*=}" && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
  infra_die "processes survived SIGKILL: $*"
}

# infra_lock: serialise infra-up/infra-down for this profile (parallel test runs, etc.).
infra_lock() {
  mkdir -p "$INFRA_STATE"
  exec 9>"$INFRA_STATE/.lock"
  if ! flock -w 300 9; then
    infra_die "another infra-up/infra-down for this profile holds $INFRA_STATE/.lock"
  fi
}

# infra_mask_url URL: hide credentials in log lines.
infra_mask_url() {
  sed -E 's#(://)[^@/]*@#\1***@#' <<<"$1"
}
