#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Runs every Go fuzz target of the module (each `func FuzzX(f *testing.F)` in a *_test.go file)
# for a fixed time, one after the other, and fails when any of them finds a crash.
#
#   scripts/fuzz.sh              each target for $FUZZTIME (default 10s)
#   FUZZTIME=2m scripts/fuzz.sh  longer, by hand
#   scripts/fuzz.sh FuzzSplitCommand ...   only these targets
#
# A crashing input is written by Go to <package>/testdata/fuzz/<target>/<hash>. Commit that file:
# from then on it runs as a regression test with every plain `go test` of the package (seed
# corpora committed there run the same way). Fuzzing needs a writable Go build cache, so run this
# as the user who builds, not through scripts/as-test-user: the targets are pure parsers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
fuzztime=${FUZZTIME:-10s}

# "package-dir target" pairs, from the committed and uncommitted test files alike.
mapfile -t targets < <(
	git ls-files --cached --others --exclude-standard -- '*_test.go' |
		xargs grep -HoE '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' |
		sed -E 's#^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#; s#^[^/ ]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*#. \1#' |
		sort -u
)
if [ $# -gt 0 ]; then
	mapfile -t targets < <(printf '%s\n' "${targets[@]}" | grep -wF -f <(printf '%s\n' "$@"))
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no fuzz target found" >&2; exit 1; }

failed=()
for t in "${targets[@]}"; do
	dir=${t% *} name=${t#* }
	echo "fuzz: $name in ./$dir for $fuzztime"
	if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime=30s "./$dir"; then
		failed+=("$name (./$dir)")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo >&2
	echo "fuzz: FAILED: ${failed[*]}" >&2
	echo "fuzz: the crashing inputs are in <package>/testdata/fuzz/<target>/ (see 'Failing input written to' above):" >&2
	echo "fuzz: reproduce with the 'go test -run=...' line printed, fix the bug, and commit the input as a regression test." >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, $fuzztime each, no crash"
