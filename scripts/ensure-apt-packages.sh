#!/usr/bin/env bash
# ensure-apt-packages.sh PKG...: installs Debian packages the tests need (the Prometheus server, say)
# when they are missing, so a fresh machine of this kind needs nothing installed by hand. Installed
# packages take about a second to check. Services a package would start are not started
# (policy-rc.d on these machines); the tests start what they need themselves.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-apt-packages: need root or sudo for: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "ensure-apt-packages: installing ${missing[*]} (once)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
  # An old package index names versions the mirror no longer has: refresh it, then try again.
  $sudo apt-get update >/dev/null
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
