#!/bin/sh
# SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
# SPDX-License-Identifier: Apache-2.0
# Checks that each package imports only the rooms docs/architecture.md allows it (part of make lint).
# check PKG FORBIDDEN [EXCEPT]: PKG imports nothing matching FORBIDDEN (grep -E, whole import path)
# but what matches EXCEPT.
set -eu
GO=${GO:-go}
fail=0
check() {
	pkg=$1 forbidden=$2 except=${3:-}
	bad=$($GO list -f '{{join .Imports "\n"}}' "./$pkg" | grep -Ex "$forbidden" | grep -vEx "$except" || true)
	if [ -n "$bad" ]; then
		echo "rooms: $pkg must not import: $bad (docs/architecture.md)" >&2
		fail=1
	fi
}
own='limactl-logkeep/.+'
lima='github.com/lima-vm/.+'
check logfile "$own|$lima|github.com/urfave/.+|github.com/sirupsen/logrus" "$lima/v2/pkg/lockutil"
check history "limactl-logkeep/(hooks|agent|limaadapter|cmd)(/.+)?|$lima|github.com/urfave/.+|github.com/sirupsen/logrus"
check limaadapter "limactl-logkeep/(hooks|agent|history|cmd)(/.+)?|$lima|github.com/urfave/.+" "$lima/v2/pkg/(identifiers|limatype/.+|hostagent/events)"
check hooks "limactl-logkeep/(agent|history|cmd)(/.+)?|$lima|github.com/urfave/.+"
check agent "limactl-logkeep/(hooks|history|cmd|internal)(/.+)?|$lima|github.com/urfave/.+"
check cmd/limactl-logkeep "$lima"
exit $fail
