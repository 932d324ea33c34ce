#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Prints a directory holding this repository that the test user `logkeep-test` can enter: the
# repository itself when it can, else a fresh copy under /var/tmp (a clone under /root, whose
# mode is 0700, cannot be entered by another user, and the tests run as that user).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ] || runuser -u logkeep-test -- test -x "$repo" -a -r "$repo"; then
	echo "$repo"
	exit 0
fi
copy=$(mktemp -d /var/tmp/limactl-logkeep.XXXXXX)
chmod 0755 "$copy"
cp -a "$repo/." "$copy/"
echo "note: logkeep-test cannot enter $repo; working from a copy in $copy" >&2
echo "$copy"
