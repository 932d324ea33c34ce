#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# make bench: limactl-logkeep measured against logrotate, mv, limactl and tar, each pair run
# interleaved (A, B, A, B, ...) in one run on this machine, and bench/RESULTS.md written from it.
# Not part of the test command. A full run takes about 10 minutes on 2 cores.
#
#   scripts/bench.sh [--quick] [SECTION...]
#     SECTION: startup rotation history move lima plugin collect boots agent (default: all of them, in that order)
#     --quick  fewer runs and smaller sizes, to try the harness: the report goes to stdout only
#     (so does the report of a run of only some sections: RESULTS.md always holds a whole run)
#   env BENCH_DIR: disk directory for scratch files (default /var/tmp; must not be tmpfs)
#   env BENCH_KEEP_WORK=1: keep the scratch directory (results.jsonl, profiles) for a look afterwards
#
# As root it runs scripts/setup.sh (cached: QEMU, Lima, the tiny guest, the test user), installs
# logrotate, strace and GNU time from Debian when missing, and runs the limactl parts as the test
# user logkeep-test (limactl refuses root), from a copy of the repository if that user cannot
# enter it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
REPO=$PWD
TEST_USER=logkeep-test
quick=
sections=()
for arg; do
	case $arg in
	--quick) quick=-quick ;;
	startup | rotation | history | move | lima | plugin | collect | boots | agent) sections+=("$arg") ;;
	*) awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/SPDX/ { sub(/^# ?/, ""); print }' "$0" >&2 && exit 2 ;;
	esac
done
all=(startup rotation history move lima plugin collect boots agent)
partial=
[ ${#sections[@]} -gt 0 ] && [ "${sections[*]}" != "${all[*]}" ] && partial=1
[ ${#sections[@]} -gt 0 ] || sections=("${all[@]}")
say() { printf '\nbench: %s\n' "$*" >&2; }

if [ "$(id -u)" = 0 ] && [ -z "${LOGKEEP_BENCH_OUT:-}" ]; then
	scripts/setup.sh
	# The limactl parts run as the test user, who must reach the repository (the test VM's QEMU
	# wrapper, the binary): from a clone it cannot enter, run from a copy and write RESULTS.md here.
	repo=$(scripts/in-reach.sh)
	if [ "$repo" != "$PWD" ]; then
		trap 'rm -rf "$repo"' EXIT
		LOGKEEP_BENCH_OUT=$PWD/bench/RESULTS.md "$repo/scripts/bench.sh" "$@"
		exit
	fi
fi
if [ "$(id -u)" = 0 ]; then
	missing=()
	command -v logrotate >/dev/null || missing+=(logrotate)
	command -v strace >/dev/null || missing+=(strace)
	[ -x /usr/bin/time ] || missing+=(time)
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
			apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
		}
	fi
fi
command -v logrotate >/dev/null || { echo "bench: logrotate is needed (apt-get install logrotate)" >&2 && exit 1; }
eval "$(scripts/setup.sh --print-env)"

say "building"
make -s build
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/logkeep-bench.XXXXXX")
shm=$(mktemp -d /dev/shm/logkeep-bench.XXXXXX)
trap 'rm -rf "$shm"; [ -n "${BENCH_KEEP_WORK:-}" ] && say "kept $work" || rm -rf "$work"' EXIT
chmod 0755 "$work" "$shm"
tools=$work/tools
for t in logkeep-bench mover empty execonly nolima discover; do
	CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -ldflags "-s -w" -o "$tools/$t" "./bench/cmd/$t"
done
# The boots section compares with the build before boot outcomes: limactl-logkeep at BOOTS_BASELINE,
# taken from git (git archive) and built like the real one. Without git, that pair is not run.
BOOTS_BASELINE=cd07e48
baseline=
if [[ " ${sections[*]} " == *" boots "* ]] && git cat-file -e "$BOOTS_BASELINE^{commit}" 2>/dev/null; then
	mkdir -p "$work/baseline-src"
	git archive "$BOOTS_BASELINE" | tar -x -C "$work/baseline-src"
	(cd "$work/baseline-src" && CGO_ENABLED=0 go build -trimpath -tags urfave_cli_no_docs -ldflags "-s -w" -o "$tools/logkeep-baseline" ./cmd/limactl-logkeep)
	baseline=$tools/logkeep-baseline
fi
results=$work/results.jsonl
extra=$work/extra
mkdir -p "$extra"
BENCH_LOGKEEP_VERSION=$(bin/limactl-logkeep --version | awk '{print $NF}')
export BENCH_LOGKEEP_VERSION

# section NAME: runs one section of logkeep-bench in its own scratch directories.
section() {
	mkdir -p "$work/$1" "$shm/$1"
	"$tools/logkeep-bench" "$1" $quick -work "$work/$1" -shm "$shm/$1" -results "$results" \
		-logkeep "$REPO/bin/limactl-logkeep" -tools "$tools" -repo "$REPO" -limactl "$LIMACTL_REAL" -baseline "$baseline"
}

# as_test_user NAME: the same, as the test user when root (limactl refuses root).
as_test_user() {
	if [ "$(id -u)" != 0 ]; then
		section "$1"
		return
	fi
	local home dir=$work/$1
	home=$(getent passwd "$TEST_USER" | cut -d: -f6) || { echo "bench: no user $TEST_USER: run scripts/setup.sh" >&2 && return 1; }
	mkdir -p "$dir" && chown "$TEST_USER:" "$dir"
	runuser -u "$TEST_USER" -- env HOME="$home" USER="$TEST_USER" LOGNAME="$TEST_USER" TMPDIR="$dir" \
		"$tools/logkeep-bench" "$1" $quick -work "$dir" -results "$dir/results.jsonl" \
		-logkeep "$REPO/bin/limactl-logkeep" -tools "$tools" -repo "$REPO" -limactl "$LIMACTL_REAL"
	cat "$dir/results.jsonl" >>"$results"
}

# profiles: a syscall timeline of one typical rotation by each tool, and the Go benchmarks (no
# process start-up) with a CPU profile of the cross-filesystem moves.
profiles() {
	local tmpl=$work/rotation/rotation-typical/template run=$work/profile
	local calls=execve,openat,connect,flock,getdents64,rename,renameat2,unlink,unlinkat,fsync,exit_group
	if [ -d "$tmpl" ] && command -v strace >/dev/null; then
		rm -rf "$run" && cp -a "$tmpl" "$run" && sync
		{
			echo "strace -f -r -T (time since the previous line; <time in the call>): limactl-logkeep rotate inst, typical layout"
			LIMA_HOME=$run LIMACTL=$(command -v true) strace -f -r -T -e trace=$calls -o /dev/stdout \
				bin/limactl-logkeep rotate inst 2>/dev/null | grep -v -e ' = -1 ENOENT' -e '/lib/' -e 'ld.so' | sed "s|$run|\$RUN|g" | cut -c1-150
		} >"$extra/1-strace-logkeep.txt"
		rm -rf "$run" && cp -a "$tmpl" "$run" && sync
		sed "s|$work/rotation/rotation-typical/work|$run|g" "$work/rotation/rotation-typical/logrotate.conf" >"$work/profile.conf"
		{
			echo "strace -f -r -T: logrotate -f, the same layout"
			strace -f -r -T -e trace=$calls -o /dev/stdout logrotate -f -s "$work/profile.state" "$work/profile.conf" |
				grep -v -e ' = -1 ENOENT' -e '/lib/' -e 'ld.so' | sed -e "s|$run|\$RUN|g" -e "s|$work|\$WORK|g" | cut -c1-150
		} >"$extra/2-strace-logrotate.txt"
	fi
	{
		echo "Go benchmarks (in-process, no start-up): go test -run '^\$' -bench . ./bench"
		go test -run '^$' -bench 'RotateTypical' -benchtime 50x ./bench | grep -E '^Benchmark'
		go test -run '^$' -bench 'RotateKeepAll' -benchtime 3x ./bench | grep -E '^Benchmark'
		go test -run '^$' -bench 'AcrossFS' -benchtime 10x -cpuprofile "$work/move.prof" ./bench | grep -E '^Benchmark'
	} >"$extra/3-go-bench.txt"
	{
		echo "CPU profile of BenchmarkMoveFileAcrossFS and BenchmarkPreserveAcrossFS (go tool pprof -top)"
		go tool pprof -top -nodecount 14 "$work/move.prof" 2>/dev/null | sed -n '4,21p'
	} >"$extra/4-pprof-move.txt"
	rm -f bench.test
}

began=$SECONDS
for s in "${sections[@]}"; do
	say "section $s ($((SECONDS - began)) s)"
	case $s in
	lima | plugin | collect | agent) as_test_user "$s" ;;
	*) section "$s" ;;
	esac
done
# The profiles are of rotation and moves: a run without those sections takes none.
case " ${sections[*]} " in
*" rotation "* | *" move "*)
	say "profiles ($((SECONDS - began)) s)"
	profiles
	;;
esac
out=${LOGKEEP_BENCH_OUT:-bench/RESULTS.md}
[ -z "$quick$partial" ] || out=/dev/stdout # a quick or partial run never replaces RESULTS.md
"$tools/logkeep-bench" report -results "$results" -out "$out" -findings bench/FINDINGS.md -extra "$extra"
say "done in $((SECONDS - began)) s: $out"
