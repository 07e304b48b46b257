#!/bin/bash
# docker-compose's Kafka (apache/kafka image): SASL SCRAM-SHA-512 on every client listener, PLAIN with
# one static user on the controller listener, the StandardAuthorizer with nothing allowed without an
# ACL. Like the image's own launcher it turns KAFKA_* variables into server.properties
# (KAFKA_FOO_BAR -> foo.bar, ___ -> -, __ -> _); unlike it, it formats the storage with the SCRAM
# users of SCRAM_USERS ("name=password ..."; the super-user `admin` among them) and, once the
# broker answers, adds the ACLs of /enclave/acls.txt (generated from the ownership map:
# npm run docs:kafka-acls) before it reports healthy (/tmp/enclave-acls-applied).
set -euo pipefail

# Where the image keeps its tools, the broker's client address and the ACL file (overridable for a
# run outside the container).
bin="${ENCLAVE_KAFKA_BIN:-/opt/kafka/bin}"
bootstrap="${ENCLAVE_KAFKA_BOOTSTRAP:-localhost:9092}"
acls="${ENCLAVE_KAFKA_ACLS:-/enclave/acls.txt}"

conf=/tmp/server.properties
: >"$conf"
while IFS='=' read -r name value; do
  [[ "$name" == KAFKA_* ]] || continue
  case "$name" in KAFKA_HOME | KAFKA_VERSION | KAFKA_OPTS | KAFKA_HEAP_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS) continue ;; esac
  key="${name#KAFKA_}"
  key="${key//___/-}"
  key="${key//__/@}"
  key="${key//_/.}"
  key="${key//@/_}"
  printf '%s=%s\n' "${key,,}" "$value" >>"$conf"
done < <(env)

admin_password=""
scram=()
for entry in ${SCRAM_USERS:?SCRAM_USERS (name=password ...) is required}; do
  scram+=(--add-scram "SCRAM-SHA-512=[name=${entry%%=*},password=${entry#*=}]")
  [[ "${entry%%=*}" == admin ]] && admin_password="${entry#*=}"
done
[[ -n "$admin_password" ]] || { echo "SCRAM_USERS has no admin" >&2; exit 2; }
umask 077
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
PROPS

data="$(sed -n 's/^log\.dirs=//p' "$conf")"
if [[ ! -f "$data/meta.properties" ]]; then
  "$bin/kafka-storage.sh" format --cluster-id "${CLUSTER_ID:?}" -c "$conf" --ignore-formatted "${scram[@]}"
fi

"$bin/kafka-server-start.sh" "$conf" &
pid=$!
trap 'kill -TERM "$pid"' TERM INT

until "$bin/kafka-broker-api-versions.sh" --bootstrap-server "$bootstrap" \
  --command-config /tmp/admin.properties >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 1
done
# One kafka-acls.sh run per principal, operation and pattern type (all its topics and groups).
awk '!/^#/ && NF == 5 { key = $1 " " $2 " " $3; args[key] = args[key] " --" $4 " " $5 }
  END { for (k in args) print k args[k] }' "$acls" |
  while read -r principal operation pattern resources; do
    # shellcheck disable=SC2086 # resources: "--topic a --group b ..."
    "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config /tmp/admin.properties \
      --add --allow-principal "User:$principal" --operation "$operation" \
      --resource-pattern-type "$pattern" $resources >/dev/null
  done
touch /tmp/enclave-acls-applied
wait "$pid"
