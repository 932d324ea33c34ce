#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# `make cover`: runs the unit tests (the packages scripts/test.sh unit runs) under -cover as the
# test user, prints each package's statement coverage, and fails when a test fails or a package
# is below COVER_MIN percent (default 85). bench and the e2e and reliability suites are not
# measured: they drive real VMs and binaries, not the code under test in-process.
# The CLI tests run limactl-logkeep as a child process with GOCOVERDIR set to the test's own
# cover directory, so what the child runs counts too (cmd/limactl-logkeep/cover_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
min=${COVER_MIN:-85}

if [ "$(id -u)" = 0 ] && [ -z "${LOGKEEP_SETUP_DONE:-}" ]; then
	scripts/setup.sh
	export LOGKEEP_SETUP_DONE=1
	repo=$(scripts/in-reach.sh)
	if [ "$repo" != "$PWD" ]; then
		trap 'rm -rf "$repo"' EXIT
		(cd "$repo" && scripts/cover.sh)
		exit
	fi
fi
eval "$(scripts/setup.sh --print-env)"

packages=$(go list ./... | grep -v -e /scripts/e2e -e /scripts/reliability -e /bench)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
go test -exec "$PWD/scripts/as-test-user" -count=1 -cover $packages >"$out" 2>&1 || status=$?

module=$(go list -m)
printf '%-40s %9s\n' package coverage
fail=0
for pkg in $packages; do
	# "ok  <pkg>  1.2s  coverage: 87.0% of statements", or "<pkg>  coverage: 0.0% ..." without tests
	pct=$(grep -E "^(ok|FAIL)?[[:space:]]*$pkg[[:space:]]" "$out" | grep -oE 'coverage: [0-9.]+%' | grep -oE '[0-9.]+' | head -1 || true)
	name=${pkg#"$module"/}
	if [ -z "$pct" ]; then
		printf '%-40s %9s  FAIL: no coverage figure (did its tests fail?)\n' "$name" -
		fail=1
	elif awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p < m) }'; then
		printf '%-40s %8s%%  FAIL: below %s%%\n' "$name" "$pct" "$min"
		fail=1
	else
		printf '%-40s %8s%%\n' "$name" "$pct"
	fi
done
if [ "$status" != 0 ]; then
	echo >&2
	grep -v -E '^(ok|[[:space:]])[[:space:]]*[^[:space:]]+[[:space:]].*coverage:' "$out" >&2 || true
	echo "cover: go test failed (exit $status); its output is above" >&2
	exit 1
fi
[ "$fail" = 0 ] || { echo "cover: every unit package needs at least $min% statement coverage" >&2; exit 1; }
