#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
#
# Lays limactl-logkeep out in an installation prefix: the one layout of `make install` and of
# the release archives (scripts/dist.sh). With --uninstall, removes every file it or an earlier
# version installed there.
#
#   scripts/install.sh [--windows] [--completer PROGRAM] BINARY PREFIX
#   scripts/install.sh --uninstall PREFIX
#
# BINARY is the program built for the target; --completer is one that runs here (default BINARY)
# and prints the completion scripts. The layout (Unix):
#
#   bin/limactl-logkeep                           the plugin entry scripts/limactl-logkeep, a
#   libexec/lima/limactl-logkeep                  small sh script, where Lima 2 looks for plugins
#   lib/lima/limactl-logkeep                      (next to limactl, PATH, libexec/lima, Homebrew's
#                                                 lib/lima); it execs the program, arguments as given
#   libexec/limactl-logkeep/bin/limactl-logkeep   the program, where Lima does not look
#   libexec/limactl-logkeep/limactl               the drop-in wrapper: a link to the program
#   share/bash-completion/completions/limactl-logkeep, share/zsh/site-functions/_limactl-logkeep
#   share/doc/limactl-logkeep/README.md, LICENSE
#
# Lima 2 reads every limactl-* file on those paths whole at every start, whatever the command,
# so only the few hundred bytes of the entry stand there (see bench/FINDINGS.md). The wrapper's
# directory goes first on PATH, so Lima scans it too: it holds no limactl-* file.
#
# Windows (--windows): Lima finds plugins by PATHEXT and can run no sh script, so the program
# itself is the plugin, on one scanned path only; the wrapper is a copy (no links in a zip):
#
#   bin/limactl-logkeep.exe, libexec/limactl-logkeep/limactl.exe, share/... as above
#
# Every file is written under a temporary name and renamed into place, so a limactl running
# meanwhile never reads half a file. Installing over an earlier layout (the 6 MB program in bin
# and links to it in libexec/lima and lib/lima) replaces each of its files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

usage() { sed -n '9,10s/^# \{0,1\}//p' "$0" >&2 && exit 2; }
die() { echo "install.sh: $*" >&2 && exit 1; }

# uninstall PREFIX: every file any version installed, then the directories that are ours (and
# Lima's plugin directories, when that leaves them empty).
uninstall() {
	local p=$1 f
	for f in bin/limactl-logkeep libexec/lima/limactl-logkeep lib/lima/limactl-logkeep \
		libexec/limactl-logkeep/bin/limactl-logkeep libexec/limactl-logkeep/limactl \
		libexec/limactl-logkeep/limactl-logkeep; do
		rm -f "$p/$f" "$p/$f.exe"
	done
	rm -f "$p/share/bash-completion/completions/limactl-logkeep" "$p/share/zsh/site-functions/_limactl-logkeep" \
		"$p/share/doc/limactl-logkeep/README.md" "$p/share/doc/limactl-logkeep/LICENSE"
	for f in libexec/limactl-logkeep/bin libexec/limactl-logkeep share/doc/limactl-logkeep libexec/lima lib/lima; do
		[ ! -d "$p/$f" ] || rmdir "$p/$f" 2>/dev/null || true
	done
}

# put SRC DEST MODE: SRC's content at DEST, renamed into place (a link at DEST is replaced, not followed).
put() {
	local tmp
	tmp=$(dirname "$2")/.install-$(basename "$2").$$
	cp "$1" "$tmp" && chmod "$3" "$tmp" && mv -f "$tmp" "$2" || { rm -f "$tmp" && die "cannot write $2"; }
}

# link TARGET DEST: DEST a symbolic link to TARGET, in place of whatever DEST was.
link() {
	rm -f "$2" && ln -s "$1" "$2" || die "cannot link $2 to $1"
}

windows= completer= uninstalling=
while [ $# -gt 0 ]; do
	case $1 in
	--windows) windows=1 ;;
	--completer) [ $# -ge 2 ] || usage; completer=$2; shift ;;
	--uninstall) uninstalling=1 ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
if [ -n "$uninstalling" ]; then
	[ $# -eq 1 ] || usage
	uninstall "$1"
	exit
fi
[ $# -eq 2 ] || usage
binary=$1 prefix=$2
[ -f "$binary" ] || die "no program at $binary: build it first (make build)"
completer=${completer:-$binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$completer" completion bash >"$work/bash" && "$completer" completion zsh >"$work/zsh" ||
	die "$completer cannot print the completion scripts: give --completer a program that runs here"

mkdir -p "$prefix/bin" "$prefix/libexec/limactl-logkeep" "$prefix/share/bash-completion/completions" \
	"$prefix/share/zsh/site-functions" "$prefix/share/doc/limactl-logkeep"
if [ -n "$windows" ]; then
	put "$binary" "$prefix/libexec/limactl-logkeep/limactl.exe" 0755
	put "$binary" "$prefix/bin/limactl-logkeep.exe" 0755
	# The earlier layout's links in Lima's plugin directories, and the program's Unix place.
	rm -f "$prefix/libexec/lima/limactl-logkeep.exe" "$prefix/lib/lima/limactl-logkeep.exe" \
		"$prefix/libexec/limactl-logkeep/bin/limactl-logkeep.exe"
	for d in libexec/limactl-logkeep/bin libexec/lima lib/lima; do
		[ ! -d "$prefix/$d" ] || rmdir "$prefix/$d" 2>/dev/null || true
	done
else
	# The program and the wrapper first, the entries last: an interrupted upgrade leaves the
	# earlier program in bin, or entries that find the new one.
	mkdir -p "$prefix/libexec/limactl-logkeep/bin" "$prefix/libexec/lima" "$prefix/lib/lima"
	put "$binary" "$prefix/libexec/limactl-logkeep/bin/limactl-logkeep" 0755
	link bin/limactl-logkeep "$prefix/libexec/limactl-logkeep/limactl"
	rm -f "$prefix/libexec/limactl-logkeep/limactl-logkeep" # an earlier version's, on the wrapper's PATH
	for d in bin libexec/lima lib/lima; do
		put "$here/limactl-logkeep" "$prefix/$d/limactl-logkeep" 0755
	done
fi
put "$work/bash" "$prefix/share/bash-completion/completions/limactl-logkeep" 0644
put "$work/zsh" "$prefix/share/zsh/site-functions/_limactl-logkeep" 0644
put "$repo/README.md" "$prefix/share/doc/limactl-logkeep/README.md" 0644
put "$repo/LICENSE" "$prefix/share/doc/limactl-logkeep/LICENSE" 0644
