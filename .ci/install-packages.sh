#!/usr/bin/env bash
# Debian packages the tests drive (never a downloaded binary): chromium for the preview's
# browser tests (playwright-core uses /usr/bin/chromium), util-linux `script` (bsdutils) for
# the terminal tests, which run rigup on a real pseudo-terminal.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
script --version 2>/dev/null | grep -q util-linux || missing+=(bsdutils)
if [ ${#missing[@]} -eq 0 ]; then
  echo "test packages present: $(/usr/bin/chromium --version 2>/dev/null); $(script --version)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version
script --version
