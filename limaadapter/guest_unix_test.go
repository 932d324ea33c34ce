// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !windows

package limaadapter

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fake limactl that checks it is asked `shell --workdir / vm sh -c SCRIPT` and runs SCRIPT
// on the host, as the guest would.
const fakeShellLimactl = `#!/bin/sh
[ "$1 $2 $3 $4 $5 $6" = "shell --workdir / vm sh -c" ] || { echo "unexpected: $*" >&2; exit 99; }
exec sh -c "$7"
`

func TestReadGuestLog(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "limactl")
	writeExecutable(t, fake, fakeShellLimactl)
	l := Limactl{Path: fake}
	read := func(script string, limit int64, timeout time.Duration) GuestLog {
		return l.ReadGuestLog(context.Background(), "vm", GuestLogSource{Name: "x.log", Script: script}, limit, timeout)
	}

	g := read(`printf 'line 1\nline 2\n'`, 1<<20, 10*time.Second)
	assert.Equal(t, "line 1\nline 2\n", string(g.Data))
	assert.Empty(t, g.Missing)
	assert.False(t, g.Truncated)
	assert.Equal(t, `limactl shell --workdir / vm sh -c 'printf 'line 1\nline 2\n''`, g.Command)

	g = read(`echo "journalctl: not found" >&2; exit 127`, 1<<20, 10*time.Second)
	assert.Equal(t, "not in this guest: journalctl: not found", g.Missing)
	assert.Nil(t, g.Data)

	g = read(`echo partial; echo "sudo: a password is required" >&2; exit 1`, 1<<20, 10*time.Second)
	assert.Equal(t, "failed (exit status 1): sudo: a password is required", g.Missing)
	assert.Nil(t, g.Data, "a failed command's partial output is not a log")

	began := time.Now()
	g = read(`while :; do echo yes; done`, 1000, 10*time.Second)
	assert.True(t, g.Truncated)
	assert.Len(t, g.Data, 1000)
	assert.Equal(t, strings.Repeat("yes\n", 250), string(g.Data))
	assert.Empty(t, g.Missing)
	assert.Less(t, time.Since(began), 5*time.Second, "stopped once past the limit")

	began = time.Now()
	g = read(`sleep 30`, 1000, 300*time.Millisecond)
	assert.Equal(t, "no answer within 300ms", g.Missing)
	assert.Less(t, time.Since(began), 5*time.Second)

	g = Limactl{Path: filepath.Join(t.TempDir(), "missing")}.ReadGuestLog(context.Background(), "vm", GuestLogSources[0], 10, time.Second)
	require.NotEmpty(t, g.Missing)
	assert.Contains(t, g.Missing, "cannot run limactl")
}

// The scripts of GuestLogSources are valid sh, and say "missing" (127) for what a host without
// those logs does not have.
func TestGuestLogSourcesScripts(t *testing.T) {
	require.Len(t, GuestLogSources, 3)
	fake := filepath.Join(t.TempDir(), "limactl")
	writeExecutable(t, fake, fakeShellLimactl)
	bin := t.TempDir()
	writeExecutable(t, filepath.Join(bin, "sudo"), "#!/bin/sh\nexec \"$@\"\n")
	writeExecutable(t, filepath.Join(bin, "dmesg"), "#!/bin/sh\necho '[    0.000000] Linux version 6.1'\n")
	l := Limactl{Path: fake, Env: []string{"PATH=" + bin + ":/bin:/usr/bin"}}
	names := map[string]GuestLog{}
	for _, src := range GuestLogSources {
		names[src.Name] = l.ReadGuestLog(context.Background(), "vm", src, 1<<20, 10*time.Second)
	}
	assert.Equal(t, "[    0.000000] Linux version 6.1\n", string(names["dmesg.log"].Data))
	if _, err := os.Stat("/bin/journalctl"); err != nil && !exists("/usr/bin/journalctl") {
		assert.Equal(t, "not in this guest: journalctl: not found", names["journal.log"].Missing)
	}
	if !exists("/var/log/cloud-init-output.log") {
		assert.Equal(t, "not in this guest: /var/log/cloud-init-output.log: no such file", names["cloud-init-output.log"].Missing)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
