#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Checks that limactl-logkeep builds everywhere Lima runs: for each platform, with CGO_ENABLED=0
# and the Makefile's build tags, it links the binary, runs `go vet ./...` (which type-checks every
# package with its tests) and compiles and links every package's test binary without running it
# (`go test -exec true`: nothing built for another platform can run here). One line per platform;
# exits non-zero naming each platform that broke, with its first errors.
#
#   scripts/cross.sh [GOOS/GOARCH ...]     default: the five platforms below
#
# It only uses Go's build cache, so it is safe to run next to other go commands, and a second run
# with nothing changed takes a few seconds. Set GO to use another go command.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
GO=${GO:-go}
TAGS=urfave_cli_no_docs # as in the Makefile
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64)
true_cmd=$(command -v true) || { echo "cross: no true command" >&2; exit 2; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# check PLATFORM LOG: the three steps for one platform, stopping at the first that fails; prints
# the failing step's name.
check() {
	local goos=${1%/*} goarch=${1#*/} log=$2
	export CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOFLAGS=-tags=$TAGS
	"$GO" build -trimpath -o /dev/null ./cmd/limactl-logkeep >"$log" 2>&1 || { echo build; return 1; }
	"$GO" vet ./... >"$log" 2>&1 || { echo vet; return 1; }
	"$GO" test -count=1 -run '^$' -exec "$true_cmd" ./... >"$log" 2>&1 || { echo "test compile"; return 1; }
}

failed=()
for p in "${platforms[@]}"; do
	case $p in
	*/*) ;;
	*) echo "cross: $p: not a GOOS/GOARCH pair (e.g. windows/amd64)" >&2; exit 2 ;;
	esac
	began=$SECONDS
	log=$logs/${p%/*}_${p#*/}.log
	if step=$(check "$p" "$log"); then
		printf 'cross: %-14s ok (binary, go vet, tests compiled) %ds\n' "$p" $((SECONDS - began))
	else
		printf 'cross: %-14s FAILED at %s:\n' "$p" "$step"
		grep -v -e '^ok ' -e '^?' -e '^FAIL$' "$log" | head -n 15 | sed 's/^/    /'
		failed+=("$p")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "cross: broken on ${failed[*]} (rerun one with: scripts/cross.sh ${failed[0]})" >&2
	exit 1
fi
