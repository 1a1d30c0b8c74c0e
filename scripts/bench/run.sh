#!/usr/bin/env bash
# Runs the whole benchmark suite and writes target/bench/results.json:
#   1. the scheduler on large graphs without Docker (benches/scheduler.rs),
#   2. containerflow against a bare bollard loop, the docker CLI and Flyte's
#      local runner on Docker (benches/docker),
#   3. the compile time of container_task! (benches/compile).
# Each bench prints its table and writes target/bench/<bench>.json; this
# script then merges them with a description of the machine.
# Usage: scripts/bench/run.sh [--quick]. Needs the Docker daemon and image of
# scripts/provision.sh, and PyPI for Flyte's environment (in
# target/bench/flyte-venv, or CONTAINERFLOW_BENCH_VENV). The full run took
# about 20 minutes on 2 cores; --quick about 2 once built.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
venv=${CONTAINERFLOW_BENCH_VENV:-$repo/target/bench/flyte-venv}

scripts/bench/flyte-venv.sh "$venv"
cargo bench --bench scheduler -- "$@"
cargo bench --bench docker -- --flyte "$venv/bin/python" "$@"
cargo bench --bench compile -- "$@"

python3 - "$repo/target/bench" <<'PY'
import json
import os
import platform
import subprocess
import sys

bench_dir = sys.argv[1]
cpu = next(
    (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
    "unknown",
)
docker = subprocess.run(
    ["docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
    capture_output=True,
    text=True,
).stdout.strip()
results = {
    "machine": {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "docker": docker,
        "load_average": open("/proc/loadavg").read().split()[:3],
    },
}
for bench in ["scheduler", "docker", "compile"]:
    with open(os.path.join(bench_dir, f"{bench}.json")) as file:
        results[bench] = json.load(file)
path = os.path.join(bench_dir, "results.json")
with open(path, "w") as file:
    json.dump(results, file, indent=2)
print(f"all results written to {path}")
PY
