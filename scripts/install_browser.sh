#!/usr/bin/env bash
# Install headless Chromium (for the browser tests of `kg viz` pages) and fonts with Arabic
# glyphs (so Arabic labels are drawn joined, not as boxes). Debian/Ubuntu, as root or with sudo.
# Does nothing when everything is already there.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fonts="$(fc-list : family 2>/dev/null || true)"
grep -qi "Noto Sans Arabic\|Noto Naskh Arabic" <<<"$fonts" || need+=(fonts-noto-core)

if [ ${#need[@]} -eq 0 ]; then
    echo "install_browser: chromium, chromedriver and Arabic fonts already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install_browser: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
chromium --version 2>/dev/null || chromium-browser --version
