# readiness-aggregator: read-only, and no credential at all: the registry's offboarding orders it checks before following an offboarding.
# Held to the code by test/deploy/openbao-policies.spec.ts (what the app reads and writes).

path "secret/data/registry/offboarding/*" {
  capabilities = ["read"]
}
