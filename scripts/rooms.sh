#!/bin/sh
# Checks that each package imports only the rooms docs/architecture.md allows it (part of make lint).
# A rule is: package, then the pattern (grep -E, whole import path) its imports must not match.
set -eu
GO=${GO:-go}
fail=0
check() {
	pkg=$1 forbidden=$2
	bad=$($GO list -f '{{join .Imports "\n"}}' "./$pkg" | grep -Ex "$forbidden" || true)
	if [ -n "$bad" ]; then
		echo "rooms: $pkg must not import: $bad (docs/architecture.md)" >&2
		fail=1
	fi
}
own='limactl-logkeep/.+'
lima='github.com/lima-vm/.+'
check logfile "$own|$lima/v2/pkg/(identifiers|limatype)(/.+)?|github.com/urfave/.+|github.com/sirupsen/logrus"
check history "limactl-logkeep/(hooks|limaadapter|cmd)(/.+)?|$lima|github.com/urfave/.+|github.com/sirupsen/logrus"
check limaadapter "limactl-logkeep/(hooks|history|cmd)(/.+)?|github.com/urfave/.+"
check hooks "limactl-logkeep/(history|cmd)(/.+)?|$lima|github.com/urfave/.+"
check cmd/limactl-logkeep "$lima"
exit $fail
