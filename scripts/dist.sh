#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Builds the release archives into _artifacts/, in the manner of Lima's `make artifacts`:
#
#   _artifacts/limactl-logkeep-<version>-Linux-x86_64.tar.gz
#   _artifacts/limactl-logkeep-<version>-Linux-aarch64.tar.gz
#   _artifacts/limactl-logkeep-<version>-Darwin-x86_64.tar.gz
#   _artifacts/limactl-logkeep-<version>-Darwin-arm64.tar.gz
#   _artifacts/limactl-logkeep-<version>-Windows-AMD64.zip
#   _artifacts/SHA256SUMS                    (sha256sum -c SHA256SUMS checks them)
#
# <version> is VERSION without its leading "v" (Lima's VERSION_TRIMMED). Each archive is laid out
# as an installation prefix, like Lima's own (extract it into /usr/local, or anywhere), by
# scripts/install.sh, the same layout as `make install` (which file goes where, and why, is there):
#
#   bin/limactl-logkeep                             the plugin entry (Lima 2's `limactl logkeep`),
#   libexec/lima/limactl-logkeep                    a small sh script that execs the program
#   lib/lima/limactl-logkeep
#   libexec/limactl-logkeep/bin/limactl-logkeep     the program, where Lima does not look for plugins
#   libexec/limactl-logkeep/limactl                 the drop-in wrapper: a symlink to the program;
#                                                   put this directory first on PATH
#   share/bash-completion/completions/limactl-logkeep
#   share/zsh/site-functions/_limactl-logkeep
#   share/doc/limactl-logkeep/README.md, LICENSE
#
# The Windows zip holds bin/limactl-logkeep.exe (the program, and the plugin: Lima on Windows
# runs no sh script), libexec/limactl-logkeep/limactl.exe (the wrapper, a copy) and share/.
#
# The binaries are built with CGO_ENABLED=0, -trimpath and the Makefile's tags and ldflags (TAGS,
# LDFLAGS, VERSION from the environment; `make dist` passes them). The completion scripts come from
# a build for this machine. Archives list their files sorted, with the last commit's time as every
# mtime and root:root as owner, so two runs on the same commit give the same tar.gz files.
#
#   scripts/dist.sh [GOOS/GOARCH ...]     default: the five platforms above
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
GO=${GO:-go}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
TAGS=${TAGS:-urfave_cli_no_docs}
LDFLAGS=${LDFLAGS:-"-s -w -X main.version=$VERSION"}
EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
OUT=_artifacts
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64)
for tool in tar gzip zip; do
	command -v "$tool" >/dev/null || { echo "dist: $tool is required to build the archives; install it" >&2; exit 2; }
done
if command -v sha256sum >/dev/null; then sha256=(sha256sum); else sha256=(shasum -a 256); fi

# osName GOOS and unameM GOOS GOARCH: the OS and architecture words of Lima's artifact names.
osName() { case $1 in linux) echo Linux ;; darwin) echo Darwin ;; windows) echo Windows ;; *) echo "$1" ;; esac; }
unameM() {
	case $1/$2 in
	windows/amd64) echo AMD64 ;; windows/arm64) echo ARM64 ;;
	darwin/amd64 | linux/amd64) echo x86_64 ;; darwin/arm64) echo arm64 ;; linux/arm64) echo aarch64 ;;
	*) echo "$2" ;;
	esac
}

# build GOOS GOARCH OUTPUT: the program for one platform.
build() {
	CGO_ENABLED=0 GOOS=$1 GOARCH=$2 "$GO" build -trimpath -tags "$TAGS" -ldflags "$LDFLAGS" -o "$3" ./cmd/limactl-logkeep
}

# stage DIR GOOS GOARCH: lays out one archive's files in DIR.
stage() {
	local windows=
	[ "$2" != windows ] || windows=--windows
	build "$2" "$3" "$work/limactl-logkeep-$2-$3"
	scripts/install.sh $windows --completer "$work/host" "$work/limactl-logkeep-$2-$3" "$1"
	find "$1" -exec touch -h -d "@$EPOCH" {} +
}

# archive DIR FILE: FILE (.tar.gz or .zip, an absolute path) holding DIR's contents, sorted.
archive() {
	case $2 in
	*.zip) (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' | TZ=UTC zip -q -X -y -@ "$2") ;;
	*) tar -C "$1" --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu -cf - . | gzip -n -9 >"$2" ;;
	esac
}

rm -rf "$OUT"
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 "$GO" build -trimpath -tags "$TAGS" -o "$work/host" ./cmd/limactl-logkeep
out=$(cd "$OUT" && pwd)
names=()
for platform in "${platforms[@]}"; do
	goos=${platform%/*} goarch=${platform#*/} ext=.tar.gz
	[ "$goos" = windows ] && ext=.zip
	name=limactl-logkeep-${VERSION#v}-$(osName "$goos")-$(unameM "$goos" "$goarch")$ext
	stage "$work/$platform" "$goos" "$goarch"
	archive "$work/$platform" "$out/$name"
	names+=("$name")
	echo "dist: $OUT/$name"
done
(cd "$OUT" && "${sha256[@]}" "${names[@]}" >SHA256SUMS)
echo "dist: $OUT/SHA256SUMS"
