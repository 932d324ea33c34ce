// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// The plugin entry, scripts/limactl-logkeep, is what `make install` and the
// release archives put where Lima 2 looks for plugins: a small sh script that
// execs the program kept in <prefix>/libexec/limactl-logkeep/bin.

// entryScript returns the plugin entry's text.
func entryScript(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "scripts", "limactl-logkeep"))
	require.NoError(t, err, "the plugin entry is scripts/limactl-logkeep")
	return b
}

// Lima reads the entry whole at every start of limactl: it stays small, it is a
// script (Lima reads descriptions only from those), and its one-line description,
// found with Lima's own pattern (pkg/plugins), is the program's usage line.
func TestPluginEntryIsSmallAndDescribesTheProgram(t *testing.T) {
	b := entryScript(t)
	assert.Less(t, len(b), 1024, "the entry Lima reads at every limactl start stays under 1 KiB")
	assert.True(t, bytes.HasPrefix(b, []byte("#!/bin/sh\n")))
	m := regexp.MustCompile(`<limactl-desc>(.*?)</limactl-desc>`).FindSubmatch(b)
	require.NotNil(t, m, "no <limactl-desc> in the entry")
	usage := newApp().Usage
	assert.Equal(t, strings.ToUpper(usage[:1])+usage[1:], strings.Trim(string(m[1]), " "))
	assert.Contains(t, string(b), limaadapter.EntryMarker)
}

// entryPrefix lays out an installation prefix as scripts/install.sh does, with
// this test binary as the program (a link) and the entry in Lima's three plugin
// places, and returns the prefix.
func entryPrefix(t *testing.T) string {
	t.Helper()
	prefix := t.TempDir()
	self, err := os.Executable()
	require.NoError(t, err)
	program := filepath.Join(prefix, "libexec", "limactl-logkeep", "bin", "limactl-logkeep")
	require.NoError(t, os.MkdirAll(filepath.Dir(program), 0o755))
	require.NoError(t, os.Symlink(self, program))
	for _, dir := range []string{"bin", "libexec/lima", "lib/lima"} {
		require.NoError(t, os.MkdirAll(filepath.Join(prefix, dir), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(prefix, dir, "limactl-logkeep"), entryScript(t), 0o755))
	}
	return prefix
}

// runEntry runs path (in dir when not empty) with args, as Lima runs a plugin.
func runEntry(t *testing.T, dir, path string, env []string, args ...string) (result, int) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(append(coverEnv(), "LOGKEEP_TEST_RUN_MAIN=1", "HOME="+os.Getenv("HOME"), "PATH="+os.Getenv("PATH")), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	status, err := limaadapter.ExitStatus(cmd.Wait())
	require.NoError(t, err)
	return result{stdout.String(), stderr.String(), status}, cmd.Process.Pid
}

// From each of Lima's plugin places, through a link to it (as Homebrew links a
// formula's files, and relative), and by a relative path: the entry runs the
// program with the arguments exactly as given, "--" and empty ones included, in
// the same process (exec: signals reach the program, and through it limactl), and
// limactl's exit status comes back.
func TestPluginEntryPassesTheLineVerbatim(t *testing.T) {
	prefix := entryPrefix(t)
	links := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(prefix, "lib", "lima", "limactl-logkeep"), filepath.Join(links, "absolute")))
	rel, err := filepath.Rel(links, filepath.Join(prefix, "bin", "limactl-logkeep"))
	require.NoError(t, err)
	require.NoError(t, os.Symlink(rel, filepath.Join(links, "relative")))
	require.NoError(t, os.Symlink("relative", filepath.Join(links, "chained")))

	limactl := filepath.Join(t.TempDir(), "limactl")
	require.NoError(t, os.WriteFile(limactl, []byte("#!/bin/sh\necho \"pid $$\"\nfor a in \"$@\"; do echo \"[$a]\"; done\nexit 7\n"), 0o755))
	args := []string{"list", "a b", "", "*", "$HOME", "--", "--json", "-q"}
	want := "[list]\n[a b]\n[]\n[*]\n[$HOME]\n[--]\n[--json]\n[-q]\n"

	entries := map[string][2]string{ // name: dir, path
		"bin":              {"", filepath.Join(prefix, "bin", "limactl-logkeep")},
		"libexec/lima":     {"", filepath.Join(prefix, "libexec", "lima", "limactl-logkeep")},
		"lib/lima":         {"", filepath.Join(prefix, "lib", "lima", "limactl-logkeep")},
		"an absolute link": {"", filepath.Join(links, "absolute")},
		"a relative link":  {"", filepath.Join(links, "relative")},
		"a link to a link": {"", filepath.Join(links, "chained")},
		"a relative path":  {prefix, "bin/limactl-logkeep"},
		"./ in lib/lima":   {filepath.Join(prefix, "lib", "lima"), "./limactl-logkeep"},
	}
	for name, e := range entries {
		t.Run(name, func(t *testing.T) {
			r, _ := runEntry(t, e[0], e[1], nil, "--version")
			require.Equal(t, 0, r.status, r.stderr)
			assert.Contains(t, r.stdout, "limactl-logkeep version")

			r, pid := runEntry(t, e[0], e[1], []string{"LIMACTL=" + limactl}, append([]string{"--"}, args...)...)
			assert.Equal(t, 7, r.status, "limactl's exit status: %s", r.stderr)
			assert.Equal(t, "pid "+strconv.Itoa(pid)+"\n"+want, r.stdout, "the same process, the arguments as given")
		})
	}
}

// Without the program the entry says where it looked, in one line, and exits 127
// as a shell does for a missing command.
func TestPluginEntryWithoutTheProgram(t *testing.T) {
	prefix := entryPrefix(t)
	require.NoError(t, os.Remove(filepath.Join(prefix, "libexec", "limactl-logkeep", "bin", "limactl-logkeep")))
	r, _ := runEntry(t, "", filepath.Join(prefix, "lib", "lima", "limactl-logkeep"), nil, "--version")
	assert.Equal(t, 127, r.status)
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
	assert.Contains(t, r.stderr, "/libexec/limactl-logkeep/bin/limactl-logkeep: reinstall limactl-logkeep")
}
