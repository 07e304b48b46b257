# The platform's apps and their default HTTP ports (sourced by platform-up/down).
# shellcheck disable=SC2034
ENCLAVE_APPS=(
  "tenant-registry:7100"
  "credential-service:7101"
  "postgres-provisioner:7102"
  "mongo-provisioner:7103"
  "broker-provisioner:7104"
  "migration-runner:7105"
  "readiness-aggregator:7106"
)
