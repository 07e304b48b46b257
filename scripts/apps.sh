# The platform's apps and their default HTTP ports as `name:port` entries (sourced by platform-up/down).
# scripts/platform-apps.json is the one list: the e2e harness reads it too, and a test holds
# docker-compose.yml to it.
# shellcheck disable=SC2034
ENCLAVE_APPS=()
while IFS= read -r entry; do ENCLAVE_APPS+=("$entry"); done < <(
  node -e 'for (const a of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) console.log(`${a.name}:${a.port}`)' \
    "$(dirname "${BASH_SOURCE[0]}")/platform-apps.json"
)
if [ ${#ENCLAVE_APPS[@]} -eq 0 ]; then
  echo "apps.sh: could not read scripts/platform-apps.json" >&2
  exit 1
fi
