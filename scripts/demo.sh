#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# make demo: the main job on the built-in tiny VM. Sets everything up (as root, cached), then,
# as the non-root test user in a throw-away LIMA_HOME: boots the tiny guest twice through
# limactl-logkeep, shows each boot's console marker and where its serial log is now, deletes the
# instance with RDD_KEEP_LOGS=1 and shows the preserved set. Cleans up after itself; can be rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

if [ "${1:-}" != --as-test-user ]; then
	if [ "$(id -u)" = 0 ]; then scripts/setup.sh; fi
	make -s build
	eval "$(scripts/setup.sh --print-env)"
	export LIMA_PREFIX LIMACTL_REAL QEMU_SYSTEM_X86_64 LOGKEEP_ACCEL LOGKEEP_TINY_YAML
	if [ "$(id -u)" = 0 ]; then
		repo=$(scripts/in-reach.sh)
		[ "$repo" = "$PWD" ] || (cd "$repo" && make -s build)
		cd "$repo"
		exec scripts/as-test-user "$repo/scripts/demo.sh" --as-test-user
	fi
fi

lk=$PWD/bin/limactl-logkeep
export LIMACTL=$LIMACTL_REAL
LIMA_HOME=$(mktemp -d "${TMPDIR:-/tmp}/logkeep-demo.XXXXXX")
export LIMA_HOME
vm=demo
cleanup() {
	"$LIMACTL" stop -f "$vm" >/dev/null 2>&1 || true
	rm -rf "$LIMA_HOME"
}
trap cleanup EXIT

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
marker() { grep -ao 'LOGKEEP-BOOT-MARKER [0-9a-f]*' "$1" | head -n 1; }
quiet() { "$@" >"$LIMA_HOME/last.log" 2>&1 || { cat "$LIMA_HOME/last.log" >&2; return 1; }; }

say "Lima: $("$LIMACTL" --version) ($LIMACTL)"

say "limactl create --name=$vm (the tiny guest: Debian's kernel, a busybox initramfs)"
quiet "$LIMACTL" --tty=false create --name="$vm" "$LOGKEEP_TINY_YAML"

say "limactl-logkeep start $vm      (boot 1)"
quiet "$lk" start --tty=false "$vm"
boot1=$(marker "$LIMA_HOME/$vm/serial.log")
echo "boot 1 console: $boot1   in $vm/serial.log"

say "limactl-logkeep restart $vm    (stops, rotates, boots again: boot 2)"
quiet "$lk" restart "$vm"
boot2=$(marker "$LIMA_HOME/$vm/serial.log")
echo "boot 1 console: $(marker "$LIMA_HOME/$vm/serial.1.log")   now in $vm/serial.1.log"
echo "boot 2 console: $boot2   in $vm/serial.log"
say "limactl-logkeep boots $vm ; limactl-logkeep logs $vm -b -1 -n 3"
"$lk" boots "$vm"
"$lk" logs "$vm" -b -1 -n 3

say "RDD_KEEP_LOGS=1 limactl-logkeep delete -f $vm"
RDD_KEEP_LOGS=1 quiet "$lk" delete -f "$vm"
set=$(find "$LIMA_HOME/_logkeep/$vm" -mindepth 1 -maxdepth 1 -type d | head -n 1)
"$LIMACTL" list 2>&1 | grep -q "^$vm " && { echo "instance still listed" >&2; exit 1; }
echo "instance $vm is gone from limactl list; its logs were kept:"
"$lk" preserved "$vm"
(cd "$set" && ls -l)
say "limactl-logkeep collect $vm -o $vm-logs.tar.gz   (one bundle for a bug report or CI)"
"$lk" collect "$vm" -o "$LIMA_HOME/$vm-logs.tar.gz"
tar -tzf "$LIMA_HOME/$vm-logs.tar.gz"
echo "boot 1 console: $(marker "$set/serial.1.log")   in serial.1.log"
echo "boot 2 console: $(marker "$set/serial.log")   in serial.log"
[ "$(marker "$set/serial.1.log")" = "$boot1" ] && [ "$(marker "$set/serial.log")" = "$boot2" ] && [ "$boot1" != "$boot2" ]
say "demo done: both boots' consoles survived a restart and a delete"
