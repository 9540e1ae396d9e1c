#!/usr/bin/env bash
# Installs util-linux `script` for the terminal tests (test/tty/): it runs rigup on a real
# pseudo-terminal. Debian ships it in bsdutils.
set -euo pipefail
if script --version 2>/dev/null | grep -q util-linux; then
  echo "script already installed: $(script --version)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends bsdutils
script --version
