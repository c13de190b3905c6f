#!/usr/bin/env bash
# The one test command (README "Set up", and .ci/run): install the project with its test tools,
# install the browser the page tests drive (Debian chromium) when it is missing, run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
if [ -x scripts/install_browser.sh ] || [ -f scripts/install_browser.sh ]; then
    bash scripts/install_browser.sh || echo "warning: could not install chromium; browser tests will skip" >&2
fi
python -m pytest -q "$@"
