#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Prepares this Debian 12 machine, as root, for limactl-logkeep's tests and demo:
#   Debian packages (QEMU, busybox, dropbear, ...), limactl + lima-guestagent of Lima v2.2.0 and
#   v1.2.1, each built from its own pinned module (scripts/lima/<version>/go.mod, tool directives),
#   the test user, the tiny test guest, the KVM/TCG choice and the root-only fixtures (a small
#   tmpfs, a read-only mount).
# Idempotent and cached: each artefact is keyed on its inputs and rebuilt only when they change.
# Quiet when nothing changes; details of the last run go to /var/cache/limactl-logkeep/setup.log.
#
#   scripts/setup.sh               set up (root)
#   scripts/setup.sh --print-env   print the `export` lines the tests need (any user)
set -euo pipefail

CACHE=/var/cache/limactl-logkeep
# The Lima versions the tests run against, newest first; each is built from scripts/lima/<version>.
LIMA_V2=v2.2.0
LIMA_V1=v1.2.1
GUEST=$CACHE/guest
FIXTURES=$CACHE/fixtures
TEST_USER=logkeep-test
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTVM=$SCRIPTS/testvm
LOG=$CACHE/setup.log
PKGS=(qemu-system-x86 qemu-utils busybox-static dropbear-bin openssh-client cpio kmod xz-utils zstd zsh)
# Kernel modules the guest needs (their dependencies are added from modules.dep).
GUEST_MODULES=(virtio_pci virtio_net virtio_scsi sr_mod isofs button evdev)
export PATH=$PATH:/usr/local/go/bin

print_env() {
	local accel
	accel=$(cat "$CACHE/accel" 2>/dev/null || echo tcg)
	printf 'export %s=%q\n' \
		LIMA_PREFIX_V2 "$CACHE/lima-$LIMA_V2" \
		LIMA_PREFIX_V1 "$CACHE/lima-$LIMA_V1" \
		LIMACTL_V2 "$CACHE/lima-$LIMA_V2/bin/limactl" \
		LIMACTL_V1 "$CACHE/lima-$LIMA_V1/bin/limactl" \
		LIMA_PREFIX "$CACHE/lima-$LIMA_V2" \
		LIMACTL_REAL "$CACHE/lima-$LIMA_V2/bin/limactl" \
		QEMU_SYSTEM_X86_64 "$TESTVM/qemu-accel" \
		LOGKEEP_ACCEL "${LOGKEEP_ACCEL:-$accel}" \
		LOGKEEP_TINY_YAML "$GUEST/tiny.yaml" \
		LOGKEEP_EMBEDDER "$CACHE/lima-embedder-$LIMA_V2/lima-embedder" \
		LOGKEEP_SMALL_TMPFS "$FIXTURES/small-tmpfs" \
		LOGKEEP_READONLY_DIR "$FIXTURES/readonly"
}

say() { echo "setup: $*" >&2; }
die() {
	say "ERROR: $*"
	[ -s "$LOG" ] && { echo "--- last lines of $LOG:" >&2; tail -n 30 "$LOG" >&2; }
	exit 1
}
# run DESCRIPTION CMD...: runs CMD with its output in the log; dies naming DESCRIPTION.
run() {
	local what=$1
	shift
	echo "+ $*" >>"$LOG"
	"$@" >>"$LOG" 2>&1 || die "$what failed (command: $*)"
}
sha() { sha256sum | cut -c1-64; }
# Stored input key of an artefact; `fresh NAME KEY` is true when NAME was built from KEY.
fresh() { [ "$(cat "$CACHE/keys/$1" 2>/dev/null)" = "$2" ]; }
remember() { mkdir -p "$CACHE/keys" && echo "$2" >"$CACHE/keys/$1"; }
# replace_dir NEW OLD: NEW takes OLD's place; running programs keep their (unlinked) files.
replace_dir() {
	rm -rf "$2.old"
	[ ! -e "$2" ] || mv -T "$2" "$2.old"
	mv -T "$1" "$2"
	rm -rf "$2.old"
}
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# apt-get update only when the package lists are missing or a package cannot be had from them.
apt_lists_present() { compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }
apt_update() { run "apt-get update" apt-get update -q; }
apt_retry() { # apt_retry DESCRIPTION CMD...: on failure, update the lists once and retry.
	apt_lists_present || apt_update
	echo "+ ${*:2}" >>"$LOG"
	"${@:2}" >>"$LOG" 2>&1 && return
	apt_update
	run "$1" "${@:2}"
}

ensure_packages() {
	local p missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt_retry "apt-get install ${missing[*]}" \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_user() {
	id -u "$TEST_USER" >/dev/null 2>&1 ||
		run "creating user $TEST_USER" useradd --create-home --user-group --shell /bin/bash "$TEST_USER"
	# For LOGKEEP_ACCEL=kvm: /dev/kvm is usually root:kvm 0660 (here it may be root-only).
	if getent group kvm >/dev/null && ! id -nG "$TEST_USER" | grep -qw kvm; then
		run "adding $TEST_USER to group kvm" usermod -aG kvm "$TEST_USER"
	fi
}

# Lima's module path for a version: v1.x is github.com/lima-vm/lima, v2.x and later .../vN.
lima_module() {
	case $1 in
	v0.* | v1.*) echo github.com/lima-vm/lima ;;
	*) echo "github.com/lima-vm/lima/${1%%.*}" ;;
	esac
}

# build_lima VERSION OUT: limactl and lima-guestagent from scripts/lima/VERSION's go.mod (its tool
# directives pin Lima and every dependency as that release had them), with Lima's version stamped,
# and Lima's `lima` script (it runs `$LIMACTL shell`) from the same module.
build_lima() {
	local version=$1 out=$2 mod src
	mod=$(lima_module "$version")
	local ldflags="-X $mod/pkg/version.Version=$version"
	src=$(cd "$SCRIPTS/lima/$version" && go list -m -f '{{.Dir}}' "$mod") && [ -f "$src/cmd/lima" ] ||
		die "Lima $version's source (go list -m $mod in scripts/lima/$version) has no cmd/lima"
	mkdir -p "$out/bin" "$out/share/lima"
	install -m 0755 "$src/cmd/lima" "$out/bin/lima"
	(cd "$SCRIPTS/lima/$version" && run "building limactl $version" go build -trimpath \
		-ldflags "$ldflags" -o "$out/bin/limactl" "$mod/cmd/limactl")
	(cd "$SCRIPTS/lima/$version" && GOOS=linux GOARCH=amd64 CGO_ENABLED=0 \
		run "building lima-guestagent $version" go build -trimpath -ldflags "$ldflags" \
		-o "$out/share/lima/lima-guestagent.Linux-x86_64" "$mod/cmd/lima-guestagent")
}
# ensure_lima VERSION: $CACHE/lima-VERSION, keyed on the Go version, build_lima's text, the module
# files and the exact module versions linked into the two commands.
ensure_lima() {
	local version=$1 prefix=$CACHE/lima-$1 dir=$SCRIPTS/lima/$1 mod deps key
	mod=$(lima_module "$version")
	[ -f "$dir/go.mod" ] || die "no $dir/go.mod: the Lima versions to build are scripts/lima/*/"
	deps=$(cd "$dir" && go list -deps -f '{{with .Module}}{{.Path}} {{.Version}}{{end}}' \
		"$mod/cmd/limactl" "$mod/cmd/lima-guestagent" 2>>"$LOG" |
		sort -u) || die "listing Lima $version's modules (go list in $dir) failed"
	key=$( { go version; declare -f build_lima lima_module; cat "$dir/go.mod" "$dir/go.sum"; echo "$deps"; } | sha)
	if ! fresh "lima-$version" "$key" || [ ! -x "$prefix/bin/limactl" ] ||
		[ ! -s "$prefix/share/lima/lima-guestagent.Linux-x86_64" ]; then
		say "building limactl and lima-guestagent $version (2-4 minutes the first time)"
		local tmp=$CACHE/.lima-$version.tmp
		rm -rf "$tmp" && build_lima "$version" "$tmp"
		chmod -R a+rX "$tmp"
		replace_dir "$tmp" "$prefix"
		remember "lima-$version" "$key"
	fi
	ensure_templates "$version" "$prefix"
}
# ensure_embedder VERSION: $CACHE/lima-embedder-VERSION/lima-embedder, a small program that boots,
# stops and deletes an instance through Lima's Go packages as an embedder does (the agent's e2e),
# built from scripts/lima/VERSION/embedder against that pinned module, so it is never linked into
# limactl-logkeep. Keyed on the Go version, its source and the module files.
ensure_embedder() {
	local version=$1 dir=$SCRIPTS/lima/$1 out=$CACHE/lima-embedder-$1 key
	key=$( { go version; declare -f ensure_embedder; cat "$dir/go.mod" "$dir/go.sum" "$dir"/embedder/*.go; } | sha)
	if ! fresh "lima-embedder-$version" "$key" || [ ! -x "$out/lima-embedder" ]; then
		say "building lima-embedder $version (a minute the first time)"
		rm -rf "$out.tmp" && mkdir -p "$out.tmp"
		(cd "$dir" && run "building lima-embedder $version" go build -trimpath -o "$out.tmp/lima-embedder" ./embedder)
		chmod -R a+rX "$out.tmp"
		replace_dir "$out.tmp" "$out"
		remember "lima-embedder-$version" "$key"
	fi
}
# ensure_templates VERSION PREFIX: Lima's templates in PREFIX/share/lima/templates, where Lima
# looks for them (Lima 2's `limactl info` fails without template:default).
ensure_templates() {
	local dir=$2/share/lima/templates src
	[ -f "$dir/default.yaml" ] && return
	src=$(cd "$SCRIPTS/lima/$1" && go list -m -f '{{.Dir}}' "$(lima_module "$1")") ||
		die "finding Lima $1's source (go list -m in scripts/lima/$1) failed"
	rm -rf "$dir.tmp"
	run "copying Lima $1's templates" cp -R "$src/templates" "$dir.tmp"
	chmod -R u+w,a+rX "$dir.tmp"
	replace_dir "$dir.tmp" "$dir"
}

# The guest kernel package that linux-image-amd64 currently points to, as NAME=VERSION.
kernel_package() {
	local name ver
	name=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
	[ -n "$name" ] || return 1
	ver=$(apt-cache show --no-all-versions "$name" 2>/dev/null | awk '/^Version:/ {print $2; exit}')
	[ -n "$ver" ] && echo "$name=$ver"
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside BZIMAGE. QEMU boots it directly
# (PVH entry) which saves the in-guest decompression: several seconds under TCG.
extract_vmlinux() {
	local pair off
	for pair in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
		for off in $(LC_ALL=C grep -obUaP "${pair%%:*}" "$1" | head -n 3 | cut -d: -f1); do
			tail -c "+$((off + 1))" "$1" | "${pair#*:}" -dcq >"$2" 2>/dev/null || true
			[ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && return 0
		done
	done
	return 1
}

# The tiny guest: Debian's kernel, a busybox + dropbear initramfs from testvm/guest/rootfs and the
# modules it needs, an empty qcow2 disk (Lima wants an image), in the work dir $1.
build_guest() {
	local work=$1 root=$1/root k=$1/pkg kpkg kver f
	kpkg=$(kernel_package) || die "no linux-image-amd64 in the package lists"
	kpkg=${kpkg%%=*} # the candidate version, which the key names
	mkdir -p "$work/deb" "$root" "$k"
	# apt downloads as _apt: let it write there (no "unsandboxed" warning).
	chown _apt "$work/deb" 2>/dev/null || true
	(cd "$work/deb" && apt_retry "downloading $kpkg" apt-get download -q "$kpkg")
	run "extracting the kernel package" dpkg-deb -x "$work"/deb/*.deb "$k"
	kver=$(basename "$(ls -d "$k"/lib/modules/*)")
	run "depmod for $kver" depmod -b "$k" "$kver"

	cp -a "$TESTVM/guest/rootfs/." "$root/"
	chmod 0600 "$root/etc/shadow"
	mkdir -p "$root"/{proc,sys,dev,run,tmp,root,mnt,sbin,usr/bin,usr/sbin,etc/dropbear,lib/x86_64-linux-gnu,lib64}
	mknod -m 0600 "$root/dev/console" c 5 1 # the kernel opens it for /init before devtmpfs
	# setuid so that the guest's `sudo` (busybox su) can become root.
	install -m 4755 /bin/busybox "$root/bin/busybox"
	install -m 0755 /usr/sbin/dropbear "$root/usr/sbin/dropbear"
	install -m 0755 /usr/bin/dropbearkey "$root/usr/bin/dropbearkey"
	for f in $(ldd /usr/sbin/dropbear /usr/bin/dropbearkey | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
		cp -L "$f" "$root$f"
	done
	# Modules in load order, dependencies first.
	modprobe -a -d "$k" -S "$kver" --show-depends "${GUEST_MODULES[@]}" >"$work/deps" 2>>"$LOG" ||
		die "resolving the guest's kernel modules failed"
	awk '$1 == "insmod" && !seen[$2]++ {print $2}' "$work/deps" | while read -r f; do
		mkdir -p "$root$(dirname "${f#"$k"}")"
		cp "$f" "$root${f#"$k"}"
		echo "${f#"$k"}"
	done >"$root/etc/modules.order"

	# Uncompressed: unpacking a compressed one costs the guest more than reading 8 MB.
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$work/initrd.cpio"
	extract_vmlinux "$k/boot/vmlinuz-$kver" "$work/kernel" || cp "$k/boot/vmlinuz-$kver" "$work/kernel"
	run "creating the guest disk" qemu-img create -q -f qcow2 "$work/disk.qcow2" 64M
	rm -rf "$work/deb" "$k" "$root" "$work/deps"
	for f in kernel initrd.cpio disk.qcow2; do [ -s "$work/$f" ] || die "building the guest made no $f"; done
	chmod 0644 "$work"/*
}
# The guest's input key: kernel package and version, busybox and dropbear versions, the recipe.
guest_key() {
	local kpkg
	kpkg=$(kernel_package) || { apt_update && kpkg=$(kernel_package); } ||
		die "no linux-image-amd64 in the package lists"
	{
		echo "$kpkg"
		pkg_version busybox-static
		pkg_version dropbear-bin
		declare -f build_guest extract_vmlinux
		echo "${GUEST_MODULES[*]}"
		(cd "$TESTVM/guest" && find rootfs -type f -exec sha256sum {} + | LC_ALL=C sort)
	} | sha
}
ensure_guest() {
	if ! fresh guest "$(guest_key)" || [ ! -s "$GUEST/initrd.cpio" ]; then
		say "building the tiny guest"
		local tmp=$CACHE/.guest.tmp
		rm -rf "$tmp" && mkdir -p "$tmp"
		build_guest "$tmp"
		chmod 0755 "$tmp"
		replace_dir "$tmp" "$GUEST"
		remember guest "$(guest_key)" # again: the download may have had to update the lists
	fi
	# The instance template: cheap, always regenerated from the committed one.
	sed "s|@GUEST@|$GUEST|g" "$TESTVM/tiny.yaml.in" >"$GUEST/tiny.yaml.tmp"
	chmod 0644 "$GUEST/tiny.yaml.tmp" && mv "$GUEST/tiny.yaml.tmp" "$GUEST/tiny.yaml"
}

# KVM or TCG for QEMU (read by testvm/qemu-accel): LOGKEEP_ACCEL if set (kept for later runs), else
# a KVM probe (does a KVM guest print its kernel banner within a few seconds?), cached per host
# kernel, QEMU and guest kernel.
ensure_accel() {
	local choice key out
	if [ -n "${LOGKEEP_ACCEL:-}" ]; then
		case $LOGKEEP_ACCEL in kvm | tcg) choice=$LOGKEEP_ACCEL ;; *) die "LOGKEEP_ACCEL must be kvm or tcg" ;; esac
	else
		key=$( { uname -r; pkg_version qemu-system-x86; cat "$CACHE/keys/guest"; } | sha)
		fresh accel "$key" && [ -s "$CACHE/accel" ] && return
		choice=tcg
		# As the test user, who will run QEMU. Without an initrd the kernel panics at once, and
		# (panic=-1, -no-reboot) QEMU exits: a working KVM takes a second, a hanging one the timeout.
		out=$(cd / && runuser -u "$TEST_USER" -- timeout 8 qemu-system-x86_64 -accel kvm -cpu host \
			-m 128 -display none -no-reboot -serial stdio -kernel "$GUEST/kernel" \
			-append "console=ttyS0 panic=-1" </dev/null 2>>"$LOG") || true
		grep -q 'Linux version' <<<"$out" && choice=kvm
		remember accel "$key"
	fi
	[ "$(cat "$CACHE/accel" 2>/dev/null)" = "$choice" ] && return
	say "QEMU accelerator: $choice"
	echo "$choice" >"$CACHE/accel"
}

# Root-only fixtures for the non-root tests: a 2 MiB tmpfs (ENOSPC) and a read-only tmpfs holding
# subdir/serial.log (EROFS), both owned by the test user. Skipped when already mounted.
ensure_fixtures() {
	local ids small=$FIXTURES/small-tmpfs ro=$FIXTURES/readonly
	ids="uid=$(id -u "$TEST_USER"),gid=$(id -g "$TEST_USER")"
	mkdir -p "$small" "$ro"
	mountpoint -q "$small" ||
		run "mounting $small" mount -t tmpfs -o "size=2m,mode=0755,$ids" logkeep-small "$small"
	if ! mountpoint -q "$ro"; then
		run "mounting $ro" mount -t tmpfs -o "size=1m,mode=0755,$ids" logkeep-readonly "$ro"
		mkdir "$ro/subdir"
		echo "limactl-logkeep read-only fixture" >"$ro/subdir/serial.log"
		chown -R "$TEST_USER:" "$ro/subdir"
		run "remounting $ro read-only" mount -o remount,ro "$ro"
	fi
}

main() {
	case ${1:-} in
	--print-env) print_env && return ;;
	"") ;;
	*) echo "usage: $0 [--print-env]" >&2 && return 2 ;;
	esac
	[ "$(id -u)" = 0 ] || { echo "setup: run as root (it installs packages, adds a user, mounts)" >&2 && return 1; }
	mkdir -p "$CACHE" && chmod 0755 "$CACHE"
	# One set-up at a time (tests, the demo and CI may all call this).
	exec 9>"$CACHE/.setup.lock"
	flock -n 9 || { say "waiting for another setup.sh to finish" && flock 9; }
	: >"$LOG"
	ensure_packages
	ensure_user
	ensure_lima "$LIMA_V2"
	ensure_lima "$LIMA_V1"
	ensure_embedder "$LIMA_V2"
	ensure_guest
	ensure_accel
	ensure_fixtures
}

main "$@"
