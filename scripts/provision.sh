#!/usr/bin/env bash
# Makes this machine ready to run containerflow's examples and tests, and does
# nothing that is already done:
#   1. installs Docker (Debian's docker.io) and busybox-static when missing,
#   2. starts dockerd in the background when no daemon answers,
#   3. builds the local `busybox:1.35` image when it is missing, because no
#      registry is reachable here to pull it from,
#   4. creates the Python environment `.venv` that tests use to check our
#      files with Flyte's own packages (scripts/provision-python.sh).
# Run it as root. It prints what it does and exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
image=busybox:1.35
log_dir=${CONTAINERFLOW_DOCKERD_LOG_DIR:-/var/log}

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need_packages+=(busybox-static)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "provision: installing ${need_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

# Stops a dockerd that runs but does not answer, waiting for it to exit, and
# the containerd it manages, whose socket would block a new daemon.
stop_daemon() {
  pkill -x dockerd 2>/dev/null || return 0
  for _ in $(seq 1 20); do
    pgrep -x dockerd >/dev/null || break
    sleep 0.5
  done
  pkill -9 -x dockerd 2>/dev/null || true
  pkill -9 -f 'containerd --config /var/run/docker/containerd/containerd.toml' 2>/dev/null || true
  sleep 1
}

if ! timeout 20 docker info >/dev/null 2>&1; then
  echo "provision: starting dockerd (log: $log_dir/dockerd.log)"
  # overlay2 is faster, but fails on some file systems: fall back to vfs.
  for driver in overlay2 vfs; do
    stop_daemon
    nohup dockerd --iptables=false --storage-driver="$driver" \
      >"$log_dir/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      timeout 5 docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    if timeout 5 docker info >/dev/null 2>&1; then
      echo "provision: dockerd runs with storage driver $driver"
      break
    fi
    echo "provision: dockerd did not start with $driver"
  done
  docker info >/dev/null 2>&1 || { echo "provision: dockerd failed, see $log_dir/dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect "$image" >/dev/null 2>&1; then
  echo "provision: building $image from /bin/busybox"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cp "$repo/docker/busybox/Dockerfile" "$context/"
  cp "$(dpkg -L busybox-static | grep -m1 '/bin/busybox$')" "$context/busybox"
  DOCKER_BUILDKIT=0 docker build -q -t "$image" "$context" >/dev/null
fi
"$repo/scripts/provision-python.sh"
echo "provision: ready ($(docker version --format 'daemon {{.Server.Version}}, API {{.Server.APIVersion}}'), image $image)"
