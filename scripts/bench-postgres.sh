#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for benchmarks that need more connections than the machine's shared
# server has (127.0.0.1:5432, max_connections = 100, shared by the dev and test profiles). It is built
# from the PostgreSQL binaries already installed, lives under .cache/bench-postgres/ (git-ignored) and
# never touches the shared server or its configuration.
#
#   bash scripts/bench-postgres.sh [start]   create the cluster once (initdb), start it if it is not
#                                            running, wait until it accepts connections, write the env
#   bash scripts/bench-postgres.sh status    say whether it runs, and where
#   bash scripts/bench-postgres.sh stop      stop it (fast shutdown); BENCH_PG_WIPE=1 also deletes it
#
#   BENCH_PG_PORT             default 25432 (127.0.0.1 only); must be free when the server starts
#   BENCH_PG_MAX_CONNECTIONS  default 450: the tenancy bench's default caps (300) plus its own
#                             connections, with room for BENCH_MAX_CONNECTIONS=400 (200 pools × 2)
#   BENCH_PG_BIN              default /usr/lib/postgresql/15/bin (else `pg_config --bindir`)
#   BENCH_PG_OS_USER          when run as root: the OS user that owns and runs the cluster (default
#                             postgres), because initdb and postgres refuse to run as root
#   BENCH_PG_AUTH             trust (default) or scram-sha-256: every login then needs its password,
#                             checked by the server (the superuser's is generated once and kept in
#                             the state folder). The test profile runs such a cluster (infra-up.sh)
#                             so tests can show a wrong or rotated-out password refused.
#   BENCH_PG_STATE            the cluster's folder (default .cache/bench-postgres)
#
# Writes .cache/bench-postgres/env (`export BENCH_PG_URL=postgres://postgres@127.0.0.1:<port>/postgres`)
# and prints one summary line. Idempotent: with the server already up it takes well under a second.
#
# Settings (.cache/bench-postgres/data/bench.conf, rewritten and applied on every start):
# - loopback TCP only (no Unix socket), 127.0.0.1 trusted (pg_hba.conf), superuser `postgres`;
# - shared_buffers 128MB and autovacuum off, as on the machine's shared server (latencies compare);
# - fsync, synchronous_commit and full_page_writes OFF. Fine for a throwaway cluster (the benchmarks
#   make and drop their own databases each run), wrong for anything else. A machine crash can
#   corrupt it: `BENCH_PG_WIPE=1 ... stop`, then a start, re-creates it.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${BENCH_PG_STATE:-$REPO/.cache/bench-postgres}"
DATA="$STATE/data"
LOG="$STATE/postgres.log"
ENV_FILE="$STATE/env"
HOST=127.0.0.1
PORT="${BENCH_PG_PORT:-25432}"
MAX_CONNECTIONS="${BENCH_PG_MAX_CONNECTIONS:-450}"
ACTION="${1:-start}"
AUTH="${BENCH_PG_AUTH:-trust}"

log() { printf 'bench-postgres: %s\n' "$*" >&2; }
die() {
  printf 'bench-postgres: ERROR: %s\n' "$*" >&2
  exit 1
}
now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

if [[ ! "$PORT" =~ ^[0-9]{4,5}$ ]] || ((PORT < 1024 || PORT > 65535)); then
  die "BENCH_PG_PORT must be a port number between 1024 and 65535, not '$PORT'"
fi
if [[ ! "$MAX_CONNECTIONS" =~ ^[0-9]{2,5}$ ]] || ((MAX_CONNECTIONS < 10)); then
  die "BENCH_PG_MAX_CONNECTIONS must be a number >= 10, not '$MAX_CONNECTIONS'"
fi
case "$AUTH" in
  trust | scram-sha-256) ;;
  *) die "BENCH_PG_AUTH must be trust or scram-sha-256, not '$AUTH'" ;;
esac
case "$ACTION" in
  start | stop | status) ;;
  *) die "usage: bash scripts/bench-postgres.sh [start|stop|status]" ;;
esac

BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$BIN/pg_ctl" ]] && command -v pg_config >/dev/null; then BIN="$(pg_config --bindir)"; fi
for tool in initdb pg_ctl postgres pg_isready psql; do
  [[ -x "$BIN/$tool" ]] || die "$BIN/$tool not found (PostgreSQL server binaries; set BENCH_PG_BIN)"
done

# initdb and postgres refuse to run as root. As root, the cluster belongs to an unprivileged OS user
# (postgres by default) and every server command runs as that user; otherwise as the caller.
if ((EUID == 0)); then
  OS_USER="${BENCH_PG_OS_USER:-postgres}"
  id -u "$OS_USER" >/dev/null 2>&1 ||
    die "running as root, and OS user '$OS_USER' does not exist: set BENCH_PG_OS_USER to an unprivileged user"
  [[ "$(id -u "$OS_USER")" != 0 ]] || die "BENCH_PG_OS_USER must not be root"
  command -v runuser >/dev/null || die "running as root needs runuser (util-linux) to act as '$OS_USER'"
  as_owner() { runuser -u "$OS_USER" -- "$@"; }
else
  OS_USER="$(id -un)"
  as_owner() { "$@"; }
fi

# The server's own files (data, log) must be reachable by the OS user that runs it. A checkout under a
# folder that user cannot enter (as root, /root/... is 0700) gets them in a folder of its own under
# /var/tmp, named after the state folder; the env, password and lock stay in the state folder.
mkdir -p "$STATE"
if ! as_owner test -x "$STATE" 2>/dev/null; then
  SERVER_HOME="/var/tmp/enclave-postgres-$(printf '%s' "$STATE" | sha256sum | cut -c1-16)"
  mkdir -p "$SERVER_HOME"
  chmod 755 "$SERVER_HOME"
  DATA="$SERVER_HOME/data"
  LOG="$SERVER_HOME/postgres.log"
  log "$OS_USER cannot enter $STATE: the server's files live in $SERVER_HOME"
fi

# With scram-sha-256 the superuser logs in with a password made once, beside the data (mode 600).
PASSWORD_FILE="$STATE/superuser-password"
if [[ "$AUTH" == scram-sha-256 ]]; then
  mkdir -p "$STATE"
  if [[ ! -s "$PASSWORD_FILE" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$PASSWORD_FILE")
  fi
  export PGPASSWORD
  PGPASSWORD="$(cat "$PASSWORD_FILE")"
  URL="postgres://postgres:$PGPASSWORD@$HOST:$PORT/postgres"
  SHOWN_URL="postgres://postgres:***@$HOST:$PORT/postgres" # never print the password
else
  URL="postgres://postgres@$HOST:$PORT/postgres"
  SHOWN_URL="$URL"
fi

# The running server's pid and port (lines 1 and 4 of postmaster.pid), or nothing if it is not running.
# A postmaster that died (kill -9, OOM) can stay a zombie for a while here (PID 1 reaps orphans late):
# pg_ctl and postgres take its pid for a live server; it is recorded as stale_pid instead.
running_pid=""
running_port=""
stale_pid=""
read_running() {
  local pid state
  running_pid=""
  running_port=""
  stale_pid=""
  as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 || return 0
  pid="$(sed -n 1p "$DATA/postmaster.pid" 2>/dev/null || true)"
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  if [[ -z "$state" || "$state" == Z ]]; then
    stale_pid="$pid"
    return 0
  fi
  running_pid="$pid"
  running_port="$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)"
}

accepts() {
  "$BIN/psql" "postgres://postgres@$HOST:$1/postgres" -XAtqc 'select 1' >/dev/null 2>&1
}

mkdir -p "$STATE"
# Serialise start/stop (two benchmarks starting at once must not both run initdb or pg_ctl start).
exec 9>"$STATE/.lock"
flock -w 120 9 || die "another bench-postgres.sh holds $STATE/.lock"

t0="$(now_ms)"
read_running

if [[ "$ACTION" == status ]]; then
  if [[ -n "$running_pid" ]]; then
    echo "bench-postgres: running (pid $running_pid) postgres://postgres@$HOST:$running_port/postgres"
  elif [[ -n "$stale_pid" ]]; then
    echo "bench-postgres: not running (pid $stale_pid died; the next start cleans up)"
  elif [[ -f "$DATA/PG_VERSION" ]]; then
    echo "bench-postgres: not running (cluster in $DATA)"
  else
    echo "bench-postgres: not running (no cluster yet)"
  fi
  exit 0
fi

if [[ "$ACTION" == stop ]]; then
  if [[ -n "$running_pid" ]]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 9>&- ||
      die "pg_ctl stop failed; log: $LOG"
    echo "bench-postgres: stopped (pid $running_pid) in $(($(now_ms) - t0)) ms"
  else
    echo "bench-postgres: not running"
  fi
  rm -f "$ENV_FILE"
  if [[ "${BENCH_PG_WIPE:-0}" == 1 ]]; then
    rm -rf "$DATA" "$LOG" "$LOG.1"
    echo "bench-postgres: wiped $DATA"
  fi
  exit 0
fi

write_env() {
  {
    echo "# Written by scripts/bench-postgres.sh; source it: . $ENV_FILE"
    printf 'export %s=%q\n' BENCH_PG_URL "$URL"
  } >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

# --- fast path: already running ---------------------------------------------------------------------
if [[ -n "$running_pid" ]]; then
  [[ "$running_port" == "$PORT" ]] ||
    die "the bench cluster is running on port $running_port, not $PORT (BENCH_PG_PORT): stop it first" \
      "(bash scripts/bench-postgres.sh stop)"
  for ((i = 0; i < 150; i++)); do
    accepts "$PORT" && break
    sleep 0.2
  done
  accepts "$PORT" || die "the bench cluster (pid $running_pid) does not accept connections on $HOST:$PORT; log: $LOG"
  write_env
  max="$("$BIN/psql" "$URL" -XAtqc 'show max_connections')"
  if [[ "$max" != "$MAX_CONNECTIONS" ]]; then
    log "running with max_connections $max, not $MAX_CONNECTIONS (BENCH_PG_MAX_CONNECTIONS):" \
      "settings apply when it starts (stop it, then start it again)"
  fi
  echo "bench-postgres: reused $SHOWN_URL (pid $running_pid, max_connections $max) in $(($(now_ms) - t0)) ms; env: $ENV_FILE"
  exit 0
fi

# --- create once ------------------------------------------------------------------------------------
state=started
if [[ ! -f "$DATA/PG_VERSION" ]]; then
  state=created
  log "creating the cluster in $DATA (initdb as OS user $OS_USER, once)..."
  rm -rf "$DATA"
  mkdir -p "$DATA"
  if ((EUID == 0)); then chown "$OS_USER:" "$DATA"; fi
  chmod 700 "$DATA"
  as_owner test -w "$DATA" ||
    die "OS user $OS_USER cannot write $DATA (is every parent directory searchable by it?)"
  # --no-sync: nothing here is worth an fsync (see the header). -U postgres: the superuser's name does
  # not depend on which OS user runs the cluster.
  pwfile=()
  if [[ "$AUTH" == scram-sha-256 ]]; then
    # initdb reads the superuser's password as the OS user that runs it.
    cp "$PASSWORD_FILE" "$(dirname "$DATA")/.initdb-password"
    if ((EUID == 0)); then chown "$OS_USER:" "$(dirname "$DATA")/.initdb-password"; fi
    pwfile=(--pwfile="$(dirname "$DATA")/.initdb-password")
  fi
  if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust "${pwfile[@]}" -E UTF8 --locale=C \
    --no-sync --no-instructions >"$STATE/initdb.log" 2>&1; then
    rm -f "$(dirname "$DATA")/.initdb-password"
    cat "$STATE/initdb.log" >&2
    rm -rf "$DATA"
    die "initdb failed (log above; $STATE/initdb.log)"
  fi
  rm -f "$(dirname "$DATA")/.initdb-password"
fi

# --- start ------------------------------------------------------------------------------------------
if [[ -n "$stale_pid" ]]; then
  # postgres would refuse to start over it; its own shared-memory check still refuses if any backend of
  # the dead server is left.
  log "the last server (pid $stale_pid) died without cleaning up; removing its postmaster.pid"
  as_owner rm -f "$DATA/postmaster.pid"
fi
if port_open "$PORT"; then
  die "$HOST:$PORT is already in use by another process; choose a free port with BENCH_PG_PORT"
fi
# Rewritten on every start (so a start after an interrupted creation is complete too): only TCP from
# 127.0.0.1, trusted (no Unix socket is opened, see bench.conf); the settings, included once.
printf '%s\n' "# Written by scripts/bench-postgres.sh on every start: loopback TCP only, $AUTH." \
  "host all all 127.0.0.1/32 $AUTH" | as_owner tee "$DATA/pg_hba.conf" >/dev/null
if ! grep -qx "include 'bench.conf'" "$DATA/postgresql.conf"; then
  printf '\n%s\n' "include 'bench.conf'" | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
fi
as_owner tee "$DATA/bench.conf" >/dev/null <<EOF
# Written by scripts/bench-postgres.sh on every start; see the header of that script.
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = ''
max_connections = $MAX_CONNECTIONS
password_encryption = scram-sha-256
shared_buffers = 128MB
huge_pages = off
autovacuum = off
# Throwaway benchmark data: durability off.
fsync = off
synchronous_commit = off
full_page_writes = off
cluster_name = 'enclave-bench'
logging_collector = off
EOF
if [[ -f "$LOG" ]]; then mv -f "$LOG" "$LOG.1"; fi
: >"$LOG"
if ((EUID == 0)); then chown "$OS_USER:" "$LOG"; fi
# pg_ctl puts the postmaster in its own session, so it outlives this script and the caller's Ctrl-C.
# 9>&- : the server must not inherit the lock.
if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 9>&-; then
  tail -n 30 "$LOG" >&2 || true
  die "pg_ctl start failed; log: $LOG"
fi
for ((i = 0; i < 150; i++)); do
  accepts "$PORT" && break
  sleep 0.2
done
accepts "$PORT" || die "the bench cluster started but does not accept connections on $HOST:$PORT; log: $LOG"
read_running
write_env
echo "bench-postgres: $state $SHOWN_URL (pid $running_pid, max_connections $MAX_CONNECTIONS, owner $OS_USER)" \
  "in $(($(now_ms) - t0)) ms; env: $ENV_FILE"
