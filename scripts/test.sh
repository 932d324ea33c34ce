#!/usr/bin/env bash
# The test command (`make test`, and so CI): sets the machine up (as root, cached), builds,
# checks formatting and vet, then runs every test as the non-root test user, because
# limactl refuses root and permission tests mean nothing as root.
#
#   scripts/test.sh all | unit | e2e | reliability | fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
mode=${1:-all}
began=$SECONDS

step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - began)); }

if [ "$(id -u)" = 0 ] && [ -z "${LOGKEEP_SETUP_DONE:-}" ]; then
	step "set-up"
	scripts/setup.sh
	export LOGKEEP_SETUP_DONE=1
	repo=$(scripts/in-reach.sh)
	[ "$repo" = "$PWD" ] || LOGKEEP_TEMP_COPY=$repo exec "$repo/scripts/test.sh" "$mode"
fi
[ -z "${LOGKEEP_TEMP_COPY:-}" ] || trap 'rm -rf "$LOGKEEP_TEMP_COPY"' EXIT
eval "$(scripts/setup.sh --print-env)"
export LOGKEEP_BIN=$PWD/bin/limactl-logkeep

step "build, gofmt, go vet"
make -s build lint

runtests() { go test -exec "$PWD/scripts/as-test-user" -count=1 "$@"; }
unit_packages() { go list ./... | grep -v -e /scripts/e2e -e /scripts/reliability -e /bench; }

case $mode in
unit) step "unit tests"; runtests $(unit_packages) ;;
e2e) step "end-to-end tests (real limactl, QEMU, tiny guest)"; runtests -timeout 15m -v ./scripts/e2e/ ;;
reliability) step "reliability suite"; runtests -timeout 10m -v ./scripts/reliability/ ;;
fuzz) step "fuzzing"; scripts/fuzz.sh ;;
all)
	step "unit tests"
	runtests $(unit_packages)
	step "reliability suite"
	runtests -timeout 10m -v ./scripts/reliability/
	step "fuzzing"
	scripts/fuzz.sh
	step "end-to-end tests (real limactl, QEMU, tiny guest)"
	runtests -timeout 15m -v ./scripts/e2e/
	;;
*) echo "usage: $0 all|unit|e2e|reliability|fuzz" >&2; exit 2 ;;
esac
step "done: $mode"
