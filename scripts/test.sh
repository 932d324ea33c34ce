#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
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
# The plugin scenarios use limactl-logkeep installed by `make install` into LOGKEEP_PREFIX.
LOGKEEP_PREFIX=$(mktemp -d /var/tmp/limactl-logkeep-prefix.XXXXXX)
chmod 0755 "$LOGKEEP_PREFIX"
export LOGKEEP_PREFIX
# A test skipped for a missing prerequisite (internal/testutil.MissingPrerequisite; under CI=true it
# fails instead) appends a line to LOGKEEP_SKIP_LOG, written by the test user: runtests lists them,
# as go test without -v shows no skip.
skipdir=$(mktemp -d /var/tmp/limactl-logkeep-skips.XXXXXX)
chmod 0755 "$skipdir"
export LOGKEEP_SKIP_LOG=$skipdir/skipped
install -m 0666 /dev/null "$LOGKEEP_SKIP_LOG"
trap 'rm -rf "$LOGKEEP_PREFIX" "$skipdir" ${LOGKEEP_TEMP_COPY:+"$LOGKEEP_TEMP_COPY"}' EXIT
eval "$(scripts/setup.sh --print-env)"
export LOGKEEP_BIN=$PWD/bin/limactl-logkeep

step "build, gofmt, go vet, make install"
make -s build lint
step "the five platforms Lima runs on: build, go vet, tests compiled"
scripts/cross.sh
make -s install PREFIX="$LOGKEEP_PREFIX" >/dev/null

# runtests runs go test as the test user, then lists the tests it skipped for a missing
# prerequisite, and keeps go test's exit status.
runtests() {
	local status=0
	go test -exec "$PWD/scripts/as-test-user" -count=1 "$@" || status=$?
	if [ -s "$LOGKEEP_SKIP_LOG" ]; then
		printf '\nSKIPPED, a prerequisite is missing (each fails under CI=true):\n'
		sort "$LOGKEEP_SKIP_LOG" | sed 's/^/  /'
		: >"$LOGKEEP_SKIP_LOG"
	fi
	return $status
}
# Each VM needs about one core while it boots under TCG and then mostly waits (ssh retries), so
# four scenarios at a time keep 2 cores busy without starving the boots.
e2e() { runtests -timeout 15m -parallel "${LOGKEEP_E2E_PARALLEL:-4}" -v ./scripts/e2e/; }
unit_packages() { go list ./... | grep -v -e /scripts/e2e -e /scripts/reliability -e /bench; }

case $mode in
unit) step "unit tests"; runtests $(unit_packages) ;;
e2e) step "end-to-end tests (real Lima v2.2.0 and v1.2.1, QEMU, tiny guest)"; e2e ;;
reliability) step "reliability suite"; runtests -timeout 10m -v ./scripts/reliability/ ;;
fuzz) step "fuzzing"; scripts/fuzz.sh ;;
all)
	step "unit tests"
	runtests $(unit_packages)
	step "reliability suite"
	runtests -timeout 10m -v ./scripts/reliability/
	step "fuzzing"
	scripts/fuzz.sh
	step "end-to-end tests (real Lima v2.2.0 and v1.2.1, QEMU, tiny guest)"
	e2e
	;;
*) echo "usage: $0 all|unit|e2e|reliability|fuzz" >&2; exit 2 ;;
esac
step "done: $mode"
