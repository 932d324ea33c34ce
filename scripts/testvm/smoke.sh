#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Proves the tiny test guest with a real Lima and QEMU: create, start (Running), boot marker in
# serial.log, graceful stop, start again (another marker), delete; prints each step's time.
# Run after scripts/setup.sh, as root (limactl then runs as logkeep-test) or as that user.
# Uses a fresh temporary LIMA_HOME and removes it afterwards.
#
#   scripts/testvm/smoke.sh [v2|v1]    Lima v2.2.0 (the default) or v1.2.1, as setup.sh built them
set -euo pipefail
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$SCRIPTS/setup.sh" --print-env)"
case ${1:-v2} in
v2) LIMACTL_REAL=$LIMACTL_V2 ;;
v1) LIMACTL_REAL=$LIMACTL_V1 ;;
*) echo "usage: $0 [v2|v1]" >&2 && exit 2 ;;
esac
if [ ! -x "$LIMACTL_REAL" ] || [ ! -f "$LOGKEEP_TINY_YAML" ]; then
	echo "smoke: run scripts/setup.sh (as root) first" >&2
	exit 1
fi

# A short path: Lima's unix sockets live under $LIMA_HOME/<instance>/ (108-byte limit).
LIMA_HOME=$(mktemp -d /tmp/logkeep-smoke.XXXXXX)
export LIMA_HOME
[ "$(id -u)" = 0 ] && chown logkeep-test: "$LIMA_HOME"
cd "$LIMA_HOME" # as-test-user needs a current directory the test user can enter
inst=$LIMA_HOME/smoke
limactl() { "$SCRIPTS/as-test-user" timeout 300 "$LIMACTL_REAL" --tty=false "$@"; }

cleanup() {
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "smoke: FAILED; last lines of the instance's logs:" >&2
		for f in ha.stderr.log serial.log; do
			[ -f "$inst/$f" ] && { echo "--- $f" >&2; tail -n 25 "$inst/$f" >&2; }
		done
	fi
	[ -d "$inst" ] && limactl delete -f smoke >/dev/null 2>&1
	rm -rf "$LIMA_HOME"
	exit $rc
}
trap cleanup EXIT

now() { date +%s.%N; }
step() { # step NAME CMD...: runs CMD quietly (output shown on failure), prints its time.
	local name=$1 t0 out
	shift
	t0=$(now)
	out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2 && echo "smoke: step '$name' failed" >&2 && return 1; }
	awk -v n="$name" -v a="$t0" -v b="$(now)" 'BEGIN { printf "smoke: %-20s %6.1f s\n", n, b - a }'
}
status() { limactl list --format '{{.Status}}' smoke; }
expect_status() { [ "$(status)" = "$1" ] || { echo "smoke: status $(status), want $1" >&2 && return 1; }; }
marker() { grep -m1 -o 'LOGKEEP-BOOT-MARKER [0-9a-f]*' "$inst/serial.log"; }

step "create" limactl create --name=smoke "$LOGKEEP_TINY_YAML"
step "start (boot 1)" limactl start smoke
expect_status Running
m1=$(marker) || { echo "smoke: no boot marker in serial.log" >&2 && exit 1; }
echo "smoke: boot 1: $m1"
step "stop (graceful)" limactl stop smoke
expect_status Stopped
step "start (boot 2)" limactl start smoke
expect_status Running
m2=$(marker) || { echo "smoke: no boot marker in serial.log after restart" >&2 && exit 1; }
echo "smoke: boot 2: $m2"
[ "$m1" != "$m2" ] || { echo "smoke: the same marker twice" >&2 && exit 1; }
# delete -f of a running instance: stops it forcibly (QEMU and the host agent must be gone).
pids=$(cat "$inst/ha.pid" "$inst/qemu.pid")
step "delete -f (running)" limactl delete -f smoke
[ ! -e "$inst" ] || { echo "smoke: $inst still exists after delete" >&2 && exit 1; }
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st:0:1}" != Z ]; } # zombies are gone
for p in $pids; do
	for _ in $(seq 25); do alive "$p" || break; sleep 0.2; done
	! alive "$p" || { echo "smoke: process $p still runs after delete -f" >&2 && exit 1; }
done
echo "smoke: OK ($(limactl --version), accelerator: $LOGKEEP_ACCEL)"
