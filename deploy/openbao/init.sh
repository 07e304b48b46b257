#!/bin/sh
# One-shot (docker-compose's openbao-init service): gives each app its own OpenBao policy and token,
# so no app holds the root token. For every policies/<app>.hcl beside this script it writes the
# policy <app> and creates the token named by <APP>_VAULT_TOKEN (TENANT_REGISTRY_VAULT_TOKEN, …) with
# that policy only, plus OpenBao's `default` (a token may look itself up: the apps' readiness probe).
# Orphan tokens, 768 h (the dev server's maximum): dev mode keeps everything in memory, so a
# restarted OpenBao needs this run again (`docker compose up openbao-init`).
# Idempotent: policies are rewritten, an existing token is kept. Token values are never printed.
set -eu
: "${BAO_ADDR:?BAO_ADDR is not set}" "${BAO_TOKEN:?BAO_TOKEN (the root token) is not set}"
dir=$(dirname "$0")/policies
for file in "$dir"/*.hcl; do
  app=$(basename "$file" .hcl)
  case "$app" in *[!a-z0-9-]* | "") echo "openbao-init: bad policy name '$app'" >&2; exit 1 ;; esac
  var=$(echo "$app" | tr 'a-z-' 'A-Z_')_VAULT_TOKEN
  eval "token=\${$var:-}"
  [ -n "$token" ] || { echo "openbao-init: $var is not set" >&2; exit 1; }
  bao policy write "$app" "$file" >/dev/null
  if bao token lookup "$token" >/dev/null 2>&1; then
    echo "openbao-init: $app: policy written, token kept"
  else
    bao token create -id="$token" -policy="$app" -orphan -ttl=768h -display-name="$app" >/dev/null
    echo "openbao-init: $app: policy written, token created"
  fi
done
