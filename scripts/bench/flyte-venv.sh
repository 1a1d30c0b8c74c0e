#!/usr/bin/env bash
# Creates the Python virtual environment in which the benchmark runs Flyte's
# local ContainerTask runner, and does nothing when it is already there.
# It installs two packages:
#   - flyte 2.12.1 (flyte-sdk), whose flyte.extras.ContainerTask runs a
#     container task locally on Docker;
#   - docker 7.2.0, the Docker SDK for Python, which that runner imports
#     although flyte does not depend on it.
# Usage: scripts/bench/flyte-venv.sh DIR. Needs python3 with the venv module
# and access to PyPI. Prints what it does and exits non-zero on any failure.
set -euo pipefail

venv=${1:?usage: flyte-venv.sh DIR}
requirements=(flyte==2.12.1 docker==7.2.0)

if [ ! -x "$venv/bin/python" ]; then
  echo "flyte-venv: creating $venv"
  python3 -m venv "$venv"
fi

# Exits 0 only when every requirement is installed at its pinned version.
installed() {
  "$venv/bin/python" - "${requirements[@]}" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version

for requirement in sys.argv[1:]:
    name, pinned = requirement.split("==")
    if version(name) != pinned:
        sys.exit(1)
PY
}

if ! installed; then
  echo "flyte-venv: installing ${requirements[*]}"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
fi
