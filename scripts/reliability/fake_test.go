// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeLimactl is a shell script standing in for Lima's limactl. Each invocation records its
// arguments, NUL-separated, in a new file of calls/ (safe with many concurrent callers).
// `limactl list --json NAME` prints list/NAME.json when it exists, and fails otherwise; every
// other command exits with $FAKE_LIMACTL_STATUS (default 0) without touching anything.
type fakeLimactl struct {
	dir  string
	path string
}

const fakeScript = `#!/bin/sh
# A fake limactl for limactl-logkeep's reliability suite.
here=$(dirname "$0")
f=$(mktemp "$here/calls/call.XXXXXXXX") || exit 99
printf '%s\0' "$@" >"$f"
if [ "$1" = list ] && [ "$2" = --json ]; then
	if [ -f "$here/list/$3.json" ]; then
		cat "$here/list/$3.json"
		exit 0
	fi
	echo "fake limactl: no instance $3" >&2
	exit 1
fi
exit "${FAKE_LIMACTL_STATUS:-0}"
`

func newFakeLimactl(t *testing.T) *fakeLimactl {
	t.Helper()
	dir := t.TempDir()
	f := &fakeLimactl{dir: dir, path: filepath.Join(dir, "limactl")}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "calls"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "list"), 0o755))
	require.NoError(t, os.WriteFile(f.path, []byte(fakeScript), 0o755))
	return f
}

// status makes `limactl list --json name` report status.
func (f *fakeLimactl) status(t *testing.T, name, status string) {
	t.Helper()
	line := `{"name":"` + name + `","status":"` + status + `","vmType":"krunkit"}` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(f.dir, "list", name+".json"), []byte(line), 0o644))
}

// calls returns the recorded invocations (argument lists), in no particular order.
func (f *fakeLimactl) calls(t *testing.T) [][]string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(f.dir, "calls"))
	require.NoError(t, err)
	var calls [][]string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(f.dir, "calls", e.Name()))
		require.NoError(t, err)
		args := []string{}
		if len(b) > 0 {
			args = strings.Split(string(bytes.TrimSuffix(b, []byte{0})), "\x00")
		}
		calls = append(calls, args)
	}
	return calls
}

// commands returns the recorded invocations other than `list --json` status queries.
func (f *fakeLimactl) commands(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	for _, c := range f.calls(t) {
		if len(c) >= 2 && c[0] == "list" && c[1] == "--json" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// reset forgets the recorded invocations.
func (f *fakeLimactl) reset(t *testing.T) {
	t.Helper()
	calls := filepath.Join(f.dir, "calls")
	require.NoError(t, os.RemoveAll(calls))
	require.NoError(t, os.MkdirAll(calls, 0o755))
}
