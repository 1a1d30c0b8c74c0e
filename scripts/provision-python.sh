#!/usr/bin/env bash
# Creates the Python virtual environment that the metadata tests use to read
# the files containerflow writes with the official libraries, and does nothing
# that is already done:
#   - `.venv/` at the repository root, made with `python3 -m venv`,
#   - `flyteidl` (Flyte's generated protobuf classes, to decode `inputs.pb`),
#     `protobuf` and `PyYAML` (a YAML 1.1 loader, to read `inputs.yaml`), at
#     the pinned versions below,
#   - `.venv-argo/` with `hera` (Argo Workflows' Python SDK) and
#     `check-jsonschema`, which the Argo export tests run.
# The tests find the interpreter at `.venv/bin/python`, or at the path in
# CONTAINERFLOW_PYTHON. Needs python3 (3.11 is tested) and access to PyPI, and
# installs Debian's python3-venv when the venv module is missing. Run it as
# root in that case. It prints what it does and exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "provision-python: installing python3-venv"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi

# Exits 0 only when every requirement is installed at its pinned version in
# the environment whose interpreter is $1.
installed() {
  "$@" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version

for requirement in sys.argv[1:]:
    name, pinned = requirement.split("==")
    if version(name) != pinned:
        sys.exit(1)
PY
}

# Creates the environment in directory $1, if missing, and installs the
# pinned requirements that follow, if any differs.
make_venv() {
  local venv=$1
  shift
  if [ ! -x "$venv/bin/python" ]; then
    echo "provision-python: creating $venv"
    python3 -m venv "$venv"
  fi
  if ! installed "$venv/bin/python" - "$@"; then
    echo "provision-python: installing $* in $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  fi
}

# protobuf is pinned too, because it is the library that does the decoding.
make_venv "$repo/.venv" flyteidl==1.16.8 protobuf==7.36.2 PyYAML==6.0.3
"$repo/.venv/bin/python" -c 'import flyteidl.core.literals_pb2, yaml'
make_venv "$repo/.venv-argo" hera==7.1.0 check-jsonschema==0.39.0 PyYAML==6.0.3 ruamel.yaml==0.19.1
"$repo/.venv-argo/bin/python" -c 'import hera.workflows, yaml, check_jsonschema'
echo "provision-python: $repo/.venv/bin/python is ready"

# flytekit, Flyte's Python SDK, in its own environment because it pulls many
# packages: the Flyte export tests compare containerflow's package with the
# one flytekit's serializer writes for the same workflow.
make_venv "$repo/.venv-flytekit" flytekit==1.16.31 flyteidl==1.16.8 protobuf==7.36.2
"$repo/.venv-flytekit/bin/python" -c 'import flytekit, flyteidl.admin.launch_plan_pb2'
echo "provision-python: $repo/.venv-flytekit/bin/python is ready"
