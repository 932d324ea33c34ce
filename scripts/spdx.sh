#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
#
# The SPDX header every source file carries, as Lima's files do:
#
#   scripts/spdx.sh --check   lists the source files without it; exits 1 when there are any
#   scripts/spdx.sh --add     adds it to each of them
#
# The header is the two lines
#   SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
#   SPDX-License-Identifier: Apache-2.0
# as comments: in a .go file the first two lines (`//`), then a blank line, so a package doc
# comment stays the package's and a //go:build line stays valid (before the package clause,
# blank-line separated); in a shell script (a file starting with #!) right after the #! line;
# in the Makefile the first two lines. Source files are the repository's files (tracked, or new
# and not ignored) of those kinds, except testdata, generated Go files ("Code generated ... DO
# NOT EDIT."), docs/, Markdown, go.mod and go.sum, which are not touched. A file counts as having
# the header when both lines appear, one after the other, in its first 10 lines.
set -euo pipefail
cd "$(dirname "$0")/.."

copyright='SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors'
license='SPDX-License-Identifier: Apache-2.0'

# kind FILE: go, sh, make, or nothing for a file that is not a source file.
kind() {
	case $1 in
	*/testdata/* | testdata/* | docs/* | *.md | go.mod | go.sum | */go.mod | */go.sum) return ;;
	*.go) grep -qE '^// Code generated .* DO NOT EDIT\.$' "$1" || echo go ;;
	Makefile | */Makefile) echo make ;;
	*) [ "$(head -c 2 "$1")" != '#!' ] || echo sh ;;
	esac
}

# has FILE: whether FILE carries the header.
has() {
	head -n 10 "$1" | awk -v a="$copyright" -v b="$license" '
		index($0, a) && $0 ~ /^(\/\/|#) / { seen = NR; next }
		seen && NR == seen + 1 && index($0, b) && $0 ~ /^(\/\/|#) / { found = 1 }
		END { exit !found }'
}

# add FILE KIND: puts the header into FILE.
add() {
	local tmp=$1.spdx.$$
	case $2 in
	go) { printf '// %s\n// %s\n\n' "$copyright" "$license" && cat "$1"; } >"$tmp" ;;
	make) { printf '# %s\n# %s\n' "$copyright" "$license" && cat "$1"; } >"$tmp" ;;
	sh) { head -n 1 "$1" && printf '# %s\n# %s\n' "$copyright" "$license" && tail -n +2 "$1"; } >"$tmp" ;;
	esac
	chmod "$(stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1")" "$tmp"
	mv -f "$tmp" "$1"
}

mode=${1:-}
case $mode in
--check | --add) ;;
*) sed -n '7,8s/^# \{0,1\}//p' "$0" >&2 && exit 2 ;;
esac
missing=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	k=$(kind "$f")
	[ -n "$k" ] && ! has "$f" || continue
	if [ "$mode" = --add ]; then
		add "$f" "$k"
		echo "spdx: added the header to $f"
	else
		echo "$f"
		missing=1
	fi
done < <(git ls-files -z --cached --others --exclude-standard)
[ "$mode" = --add ] || exit "$missing"
