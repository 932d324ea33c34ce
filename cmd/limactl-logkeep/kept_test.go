// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// keptHome is a LIMA_HOME with instance vm and preserved sets of vm and of the
// deleted instance gone.
func keptHome(t *testing.T) (env map[string]string, home string) {
	home = t.TempDir()
	instance(t, home, "vm", map[string]string{"serial.log": "vm boot 2\n", "serial.1.log": "vm boot 1\n"})
	for set, files := range map[string]map[string]string{
		"vm/20260101T000000Z":   {"serial.log": "vm old\n", "lima.yaml": "old: yes\n"},
		"gone/20260102T000000Z": {"serial.log": "gone boot 2\n", "serial.1.log": "gone boot 1\n", "lima.yaml": "gone: yes\n"},
		"gone/20260301T000000Z": {"serial.log": "gone again\n"},
	} {
		dir := filepath.Join(home, "_logkeep", set)
		require.NoError(t, os.MkdirAll(dir, 0o700))
		for name, content := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
		}
	}
	return map[string]string{"LIMA_HOME": home, "LIMACTL": "/nonexistent"}, home
}

func TestPreserved(t *testing.T) {
	env, home := keptHome(t)
	r := run(t, env, "preserved")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, r.stdout)
	assert.Regexp(t, `^INSTANCE\s+PRESERVED\s+FILES\s+SIZE\s+PATH$`, lines[0])
	assert.Regexp(t, `^gone\s+2026-0[01]-0[12] \d\d:00:00\s+3\s+34B\s+`+filepath.Join(home, "_logkeep", "gone", "20260102T000000Z")+`$`, lines[1])
	assert.Contains(t, lines[3], "vm ")

	r = run(t, env, "preserved", "vm", "--json")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, `"instance": "vm"`)
	assert.Contains(t, r.stdout, `"time": "2026-01-01T00:00:00Z"`)
	assert.NotContains(t, r.stdout, "gone")

	r = run(t, map[string]string{"LIMA_HOME": t.TempDir()}, "preserved", "--json")
	assert.Equal(t, "[]\n", r.stdout)
	r = run(t, map[string]string{"LIMA_HOME": t.TempDir(), "LIMA_LOGKEEP_DIR": "/nonexistent/kept"}, "preserved")
	assert.Equal(t, "No preserved logs in /nonexistent/kept.\n", r.stdout)
}

func TestCollectWritesA0600BundleAndRefusesToOverwrite(t *testing.T) {
	env, home := keptHome(t)
	limactl, _ := fakeLimactl(t)
	env["LIMACTL"] = limactl
	out := filepath.Join(t.TempDir(), "bug-42.tar.gz")

	r := run(t, env, "collect", "-o", out)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "Wrote "+out)
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	files, manifest := readBundle(t, out)
	assert.Equal(t, "vm boot 2\n", files["bug-42/vm/instance/serial.log"])
	assert.Equal(t, "vm boot 1\n", files["bug-42/vm/instance/serial.1.log"])
	assert.Contains(t, files["bug-42/vm/instance/lima.yaml"], "futureField")
	assert.Equal(t, "vm old\n", files["bug-42/vm/preserved/20260101T000000Z/serial.log"])
	assert.Equal(t, "gone boot 1\n", files["bug-42/gone/preserved/20260102T000000Z/serial.1.log"])
	assert.Equal(t, "gone again\n", files["bug-42/gone/preserved/20260301T000000Z/serial.log"])
	assert.Equal(t, "fake limactl\n", files["bug-42/limactl-version.txt"], "limactl --version's output")
	assert.Equal(t, "fake limactl\n", manifest["limactlVersion"])
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")

	require.NoError(t, os.WriteFile(out, []byte("precious"), 0o644))
	r = run(t, env, "collect", "vm", "-o", out)
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stderr, out+" already exists; choose another name, or add --force")
	assert.Equal(t, "precious", read(t, out))

	r = run(t, env, "collect", "vm", "-o", out, "--force")
	require.Equal(t, 0, r.status, r.stderr)
	files, _ = readBundle(t, out)
	assert.Contains(t, files, "bug-42/vm/instance/serial.log")
	assert.NotContains(t, files, "bug-42/gone/preserved/20260102T000000Z/serial.log", "only the instance named")
	fi, err = os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"collect"}, "-o FILE.tar.gz"},
		{[]string{"collect", "-o", filepath.Dir(out)}, "is a directory"},
		{[]string{"collect", "nothing", "-o", filepath.Join(filepath.Dir(out), "n.tar.gz")}, `for instance "nothing"`},
		{[]string{"collect", "-o", "/nonexistent/dir/x.tar.gz"}, "/nonexistent/dir"},
	} {
		r = run(t, env, c.args...)
		assert.NotEqual(t, 0, r.status, "%q", c.args)
		assert.Contains(t, r.stderr, c.msg, "%q", c.args)
	}
	assert.NoFileExists(t, filepath.Join(filepath.Dir(out), "n.tar.gz"))
	assert.DirExists(t, filepath.Join(home, "vm"), "collect changes nothing")
}

// A deleted instance is collected from the sets that delete preserved.
func TestCollectAfterDeleteWithKeepLogs(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "ci", map[string]string{"serial.log": "boot 2 marker\n", "serial.1.log": "boot 1 marker\n"})
	limactl, argsFile := fakeLimactl(t)
	env := map[string]string{"LIMA_HOME": home, "LIMACTL": limactl, "RDD_KEEP_LOGS": "1"}
	r := run(t, env, "delete", "ci")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "delete\nci\n", read(t, argsFile))
	require.NoError(t, os.RemoveAll(dir)) // what the real limactl delete does

	out := filepath.Join(t.TempDir(), "ci.tar.gz")
	r = run(t, env, "collect", "ci", "-o", out)
	require.Equal(t, 0, r.status, r.stderr)
	files, manifest := readBundle(t, out)
	var marker1, marker2 bool
	for name, content := range files {
		if strings.HasPrefix(name, "ci/ci/preserved/") {
			marker1 = marker1 || content == "boot 1 marker\n"
			marker2 = marker2 || content == "boot 2 marker\n"
		}
	}
	assert.True(t, marker1 && marker2, "both boots' logs: %v", files)
	instances := manifest["instances"].([]any)
	require.Len(t, instances, 1)
	assert.Equal(t, "", instances[0].(map[string]any)["instanceDir"], "the instance is gone")
}

func TestPrune(t *testing.T) {
	env, home := keptHome(t)
	kept := filepath.Join(home, "_logkeep")

	r := run(t, env, "prune")
	assert.Equal(t, 2, r.status)
	assert.Contains(t, r.stderr, "--older-than DURATION and/or --keep-sets K; nothing was removed")

	r = run(t, env, "prune", "--keep-sets", "0", "--dry-run")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "Would remove "+filepath.Join(kept, "gone", "20260102T000000Z")+" (3 files, 34B)\n")
	assert.Contains(t, r.stdout, "Would free 61B in 3 sets.\n")
	assert.DirExists(t, filepath.Join(kept, "gone", "20260102T000000Z"), "a dry run removes nothing")

	r = run(t, env, "prune", "gone", "--keep-sets", "1")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "Removed "+filepath.Join(kept, "gone", "20260102T000000Z")+" (3 files, 34B)\nFreed 34B in 1 set.\n", r.stdout)
	assert.NoDirExists(t, filepath.Join(kept, "gone", "20260102T000000Z"))
	assert.DirExists(t, filepath.Join(kept, "gone", "20260301T000000Z"))
	assert.DirExists(t, filepath.Join(kept, "vm", "20260101T000000Z"))

	r = run(t, env, "prune", "--older-than", "1000w")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "Nothing to prune.\n", r.stdout)

	r = run(t, env, "prune", "--older-than", "1h")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "Freed 27B in 2 sets.")
	assert.Equal(t, "vm boot 2\n", read(t, filepath.Join(home, "vm", "serial.log")), "instance logs are never pruned")
	assert.Equal(t, "vm boot 1\n", read(t, filepath.Join(home, "vm", "serial.1.log")))

	for _, args := range [][]string{{"prune", "--older-than", "soon"}, {"prune", "--keep-sets", "-1"}, {"prune", "../x", "--keep-sets", "1"}} {
		r = run(t, env, args...)
		assert.NotEqual(t, 0, r.status, "%q", args)
		assert.NotEmpty(t, r.stderr, "%q", args)
	}
}

func TestStartShowConsole(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "vm", map[string]string{"serial.log": "boot 1 marker\n"})
	limactl := filepath.Join(t.TempDir(), "limactl")
	script := `#!/bin/sh
echo "limactl $*"
rm -f "$LIMA_HOME/vm/serial.log"
printf 'boot 2 marker\nLinux version\n' > "$LIMA_HOME/vm/serial.log"
sleep 0.3
printf 'login: ' >> "$LIMA_HOME/vm/serial.log"
exit 3
`
	require.NoError(t, os.WriteFile(limactl, []byte(script), 0o755))
	env := map[string]string{"LIMA_HOME": home, "LIMACTL": limactl}

	r := run(t, env, "start", "--show-console", "vm", "--timeout", "1m")
	assert.Equal(t, 3, r.status, "limactl's exit status")
	assert.Equal(t, "limactl start vm --timeout 1m\n", r.stdout, "--show-console is not passed to limactl")
	assert.Contains(t, r.stderr, "[vm serial] boot 2 marker\n[vm serial] Linux version\n[vm serial] login: \n")
	assert.NotContains(t, r.stderr, "boot 1 marker")
	assert.Equal(t, "boot 1 marker\n", read(t, filepath.Join(dir, "serial.1.log")), "rotated first")

	r = run(t, env, "restart", "--show-console", "vm")
	assert.Equal(t, 3, r.status)
	assert.Contains(t, r.stdout, "limactl start vm\n")
	assert.Contains(t, r.stderr, "[vm serial] boot 2 marker\n")

	r = run(t, env, "start", "--help")
	assert.Contains(t, r.stdout, "--show-console")
}

// Issue 20, item 3, at the command line: a preserved directory that cannot be read is left out
// with a warning and the bundle is written; the exit status says so only with --strict.
func TestCollectLeavesOutWhatItCannotReadAndStrictSaysSo(t *testing.T) {
	testutil.RequireNonRoot(t)
	env, home := keptHome(t)
	bad := filepath.Join(home, "_logkeep", "gone")
	require.NoError(t, os.Chmod(bad, 0))
	t.Cleanup(func() { _ = os.Chmod(bad, 0o700) })
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	for _, strict := range []bool{false, true} {
		args := []string{"collect", "-o", out, "--force"}
		if strict {
			args = append(args, "--strict")
		}
		r := run(t, env, args...)
		files, manifest := readBundle(t, out)
		assert.Equal(t, "vm boot 2\n", files["b/vm/instance/serial.log"], "the bundle is written")
		skipped := manifest["skipped"].([]any)
		require.Len(t, skipped, 1)
		assert.Equal(t, bad, skipped[0].(map[string]any)["source"])
		assert.Contains(t, r.stderr, "left out of the bundle: cannot read preserved logs of")
		assert.Contains(t, files["b/SUMMARY.md"], bad)
		if !strict {
			assert.Equal(t, 0, r.status, r.stderr)
			continue
		}
		assert.Equal(t, 1, r.status)
		assert.Contains(t, r.stderr, "collect: --strict: 1 unreadable file(s) or directories left out of the bundle; see skipped in its manifest.json")
		assert.Contains(t, r.stdout, "Wrote "+out)
	}
}

// --guest asks only a running guest (a stopped one is listed as such), and --redact hides this
// user's home (where the logs are) in every file of the bundle, manifest included.
func TestCollectGuestAndRedactFlags(t *testing.T) {
	env, home := keptHome(t)
	userHome, err := os.UserHomeDir()
	require.NoError(t, err)
	env["HOME"] = userHome
	if !strings.HasPrefix(home, userHome) {
		t.Logf("LIMA_HOME %s is not under the home %s: only the guest part is checked", home, userHome)
	}
	out := filepath.Join(t.TempDir(), "g.tar.gz")
	r := run(t, env, "collect", "vm", "-o", out, "--guest", "--redact")
	require.Equal(t, 0, r.status, r.stderr)
	files, manifest := readBundle(t, out)
	assert.Contains(t, files["g/SUMMARY.md"], "- `vm`: nothing asked: the instance is not running (Stopped)")
	guest := manifest["guestLogs"].([]any)
	require.Len(t, guest, 1)
	assert.Equal(t, "the instance is not running (Stopped)", guest[0].(map[string]any)["missing"])
	assert.Contains(t, files["g/SUMMARY.md"], "## Redacted")
	if strings.HasPrefix(home, userHome) {
		for name, content := range files {
			assert.NotContains(t, content, userHome, name)
		}
		assert.Contains(t, files["g/manifest.json"], "<home>")
	}
}

// -o - writes the archive to standard output, as tar -f - does: nothing else on
// stdout, the summary on stderr, no file named "-"; a terminal is refused.
func TestCollectToStandardOutput(t *testing.T) {
	env, _ := keptHome(t)
	limactl, _ := fakeLimactl(t)
	env["LIMACTL"] = limactl
	cwd := t.TempDir()
	cmd := program(t, env, "collect", "vm", "-o", "-")
	cmd.Dir = cwd
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())

	assert.NoFileExists(t, filepath.Join(cwd, "-"))
	entries, err := os.ReadDir(cwd)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written in the working directory")
	bundle := filepath.Join(t.TempDir(), "stdout.tar.gz")
	require.NoError(t, os.WriteFile(bundle, stdout.Bytes(), 0o600))
	files, manifest := readBundle(t, bundle) // stdout is the archive and nothing else
	assert.Equal(t, "vm boot 2\n", files["limactl-logkeep-logs/vm/instance/serial.log"])
	assert.Equal(t, "vm old\n", files["limactl-logkeep-logs/vm/preserved/20260101T000000Z/serial.log"])
	assert.Equal(t, "fake limactl\n", manifest["limactlVersion"])
	assert.Regexp(t, `^Wrote the archive to standard output: \d+ files of 1 instance, \S+\n$`, stderr.String())
}
