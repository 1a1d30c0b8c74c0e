#!/usr/bin/env bash
# Makes this machine ready to run containerflow's examples and tests, and does
# nothing that is already done:
#   1. installs Docker (Debian's docker.io) and busybox-static when missing,
#   2. starts dockerd in the background when the local daemon does not run,
#      and restarts it when it runs but has not responded for a minute; a
#      daemon that DOCKER_HOST names elsewhere is only checked,
#   3. builds the local `busybox:1.35` image when it is missing, because no
#      registry is reachable here to pull it from,
#   4. creates the Python environments that tests use to check our files
#      with Flyte's, flytekit's and Argo's own tools
#      (scripts/provision-python.sh).
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

# A daemon named by DOCKER_HOST is someone else's: it is used, never started
# or stopped here.
if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != unix:///var/run/docker.sock ]; then
  if ! timeout 60 docker info >/dev/null 2>&1; then
    echo "provision: the daemon at DOCKER_HOST=$DOCKER_HOST does not respond; start it, or unset DOCKER_HOST to use a local one" >&2
    exit 1
  fi
else
  export DOCKER_HOST=unix:///var/run/docker.sock
  pid_file=/var/run/docker.pid

  # Prints the pid of the local dockerd that this machine's pid file names,
  # if that process still runs.
  local_daemon() {
    local pid
    pid=$(cat "$pid_file" 2>/dev/null) || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && echo "$pid"
  }

  # Stops the local dockerd, which runs but does not respond, waiting for it
  # to exit, and the containerd it started, whose socket would block a new
  # daemon. Other dockerd processes on the machine are left alone.
  stop_daemon() {
    local pid
    # A pid file left by a dead daemon names a pid that another process may
    # now have, and dockerd refuses to start beside it.
    pid=$(local_daemon) || { rm -f "$pid_file"; return 0; }
    echo "provision: stopping dockerd $pid, which does not respond"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      [ -d "/proc/$pid" ] || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    pkill -9 -f 'containerd --config /var/run/docker/containerd/containerd.toml' 2>/dev/null || true
    sleep 1
  }

  # A daemon that runs gets a minute to respond, because a loaded machine can
  # slow it down; one that does not run is started at once.
  if local_daemon >/dev/null; then wait_seconds=60; else wait_seconds=5; fi
  if ! timeout "$wait_seconds" docker info >/dev/null 2>&1; then
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
