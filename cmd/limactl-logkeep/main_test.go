// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// TestMain lets the test binary be limactl-logkeep itself: run with
// LOGKEEP_TEST_RUN_MAIN=1 it is the program, so tests exercise the real CLI,
// exit codes and streams without building anything.
func TestMain(m *testing.M) {
	if os.Getenv("LOGKEEP_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type result struct {
	stdout, stderr string
	status         int
}

// program returns the command running this test binary as limactl-logkeep with
// args, in a minimal environment plus env.
func program(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, args...)
	cmd.Env = append(coverEnv(), "LOGKEEP_TEST_RUN_MAIN=1", "HOME="+os.Getenv("HOME"), "PATH="+os.Getenv("PATH"))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// run runs limactl-logkeep with args in env (added to a minimal environment).
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd := program(t, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	status, err := limaadapter.ExitStatus(err)
	require.NoError(t, err)
	return result{stdout.String(), stderr.String(), status}
}

// fakeLimactl writes a limactl that records its arguments, one per line, in
// <dir>/args, prints "fake limactl" and exits with $FAKE_STATUS (default 0).
func fakeLimactl(t *testing.T) (path, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	path, argsFile = filepath.Join(dir, "limactl"), filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" >> " + argsFile + "\necho fake limactl\necho fake stderr >&2\nexit ${FAKE_STATUS:-0}\n"
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return path, argsFile
}

// instance writes a stopped instance as Lima 2 might have left it: a lima.yaml
// with a field Lima v1.2.1 does not know and a lima-version it cannot parse, the
// two things that make Lima's store log warnings (limactl-logkeep must not).
func instance(t *testing.T, home, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(home, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	yaml := "images:\n- location: /nonexistent.img\n  arch: x86_64\nplain: true\nfutureField: {a: 1}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte(yaml), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima-version"), []byte("<unknown>\n"), 0o644))
	for file, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestVersionAndHelp(t *testing.T) {
	r := run(t, nil, "--version")
	assert.Equal(t, 0, r.status)
	assert.Contains(t, r.stdout, "limactl-logkeep version")

	r = run(t, nil, "--help")
	assert.Equal(t, 0, r.status)
	for _, cmd := range []string{"start", "restart", "delete", "factory-reset", "rotate", "wrap", "--keep-logs", "--max-backups", "--logs-dir", "--limactl"} {
		assert.Contains(t, r.stdout, cmd)
	}
	for _, cmd := range []string{"start", "restart", "delete", "rm", "factory-reset", "rotate"} {
		r = run(t, nil, cmd, "--help")
		assert.Equal(t, 0, r.status, cmd)
		assert.Contains(t, r.stdout, "Example", cmd)
	}
}

func TestWrapPassesArgumentsStreamsAndExitStatusThrough(t *testing.T) {
	limactl, argsFile := fakeLimactl(t)
	args := []string{"list", "--format", "{{.Name}} {{.Dir}}", "", "a b", "--json"}
	r := run(t, map[string]string{"LIMACTL": limactl, "FAKE_STATUS": "7", "LIMA_HOME": t.TempDir()}, append([]string{"wrap"}, args...)...)
	assert.Equal(t, 7, r.status)
	assert.Equal(t, "fake limactl\n", r.stdout)
	assert.Equal(t, "fake stderr\n", r.stderr)
	assert.Equal(t, strings.Join(args, "\n")+"\n", read(t, argsFile))
}

func TestStartRotatesAndPassesExitStatus(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
	limactl, argsFile := fakeLimactl(t)
	r := run(t, map[string]string{"LIMACTL": limactl, "FAKE_STATUS": "3", "LIMA_HOME": home}, "start", "vm", "--timeout=1m")
	assert.Equal(t, 3, r.status)
	assert.Equal(t, "start\nvm\n--timeout=1m\n", read(t, argsFile))
	assert.Equal(t, "boot A\n", read(t, filepath.Join(dir, "serial.1.log")))
}

func TestNoLimaInternalWarningsOnStderr(t *testing.T) {
	home := t.TempDir()
	instance(t, home, "vm", map[string]string{"serial.log": "A"})
	limactl, _ := fakeLimactl(t)
	r := run(t, map[string]string{"LIMACTL": limactl, "LIMA_HOME": home}, "rotate", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotContains(t, r.stderr, "treating lima version")
	assert.NotContains(t, r.stderr, "Non-strict YAML")
	assert.NotContains(t, r.stderr, "level=warning")
}

func TestRetention(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"default five", nil, []string{"3", "4", "5", "6", "7"}},
		{"RDD_KEEP_LOGS", map[string]string{"RDD_KEEP_LOGS": "1"}, []string{"1", "2", "3", "4", "5", "6", "7"}},
		{"max-backups env", map[string]string{"LIMA_LOGKEEP_MAX_BACKUPS": "2"}, []string{"6", "7"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			dir := instance(t, home, "vm", nil)
			env := map[string]string{"LIMA_HOME": home, "LIMACTL": "/nonexistent"}
			for k, v := range c.env {
				env[k] = v
			}
			for boot := 1; boot <= 7; boot++ {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte{byte('0' + boot)}, 0o644))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.stderr.log"), []byte{byte('0' + boot)}, 0o644))
				r := run(t, env, "rotate", "vm")
				require.Equal(t, 0, r.status, r.stderr)
			}
			for _, n := range c.want {
				assert.Equal(t, n, read(t, filepath.Join(dir, "serial."+n+".log")), "generation %s holds boot %s", n, n)
				assert.Equal(t, n, read(t, filepath.Join(dir, "ha.stderr."+n+".log")))
			}
			matches, err := filepath.Glob(filepath.Join(dir, "*.*.log"))
			require.NoError(t, err)
			assert.Len(t, matches, 2*len(c.want))
		})
	}
}

func TestBadInputIsRefusedAndTouchesNothing(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "vm", map[string]string{"serial.log": "A"})
	limactl, argsFile := fakeLimactl(t)
	env := map[string]string{"LIMACTL": limactl, "LIMA_HOME": home, "RDD_KEEP_LOGS": "1"}
	for _, args := range [][]string{
		{"rotate", "../vm"}, {"rotate", "/etc"}, {"rotate", "a/b"}, {"rotate", ""}, {"rotate", strings.Repeat("v", 200)},
		{"delete", "vm", "../x"}, {"delete", "--", "/etc"}, {"factory-reset", "a/b"},
		{"--max-backups", "0", "rotate", "vm"}, {"--max-backups", "-1", "rotate", "vm"}, {"--log-format", "xml", "rotate", "vm"},
		{"--log-level", "loud", "rotate", "vm"}, {"rotate"}, {"no-such-command"},
	} {
		r := run(t, env, args...)
		assert.NotEqual(t, 0, r.status, "%q", args)
		assert.NotEmpty(t, r.stderr, "%q must say why", args)
	}
	assert.NoFileExists(t, argsFile, "limactl must not have run")
	assert.Equal(t, "A", read(t, filepath.Join(dir, "serial.log")))
	assert.NoDirExists(t, filepath.Join(home, "_logkeep"))
}

// rotate reads the status from the pid files and asks limactl only when they
// leave a doubt (a driver alive without its host agent): then it needs one, and
// Lima's answer decides.
func TestRotateAsksLimactlOnlyWhenInDoubt(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "vm", map[string]string{"serial.log": "boot 1\n"})
	noLimactl := map[string]string{"LIMA_HOME": home, "LIMACTL": "", "PATH": t.TempDir()}
	r := run(t, noLimactl, "rotate", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "boot 1\n", read(t, filepath.Join(dir, "serial.1.log")))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 2\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "qemu.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644))
	r = run(t, noLimactl, "rotate", "vm")
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stderr, "a driver process is alive, its host agent (ha.pid) is not")
	assert.Contains(t, r.stderr, "real limactl not found")

	limactl := filepath.Join(t.TempDir(), "limactl")
	require.NoError(t, os.WriteFile(limactl, []byte("#!/bin/sh\necho '{\"name\":\"vm\",\"status\":\"Broken\"}'\n"), 0o755))
	r = run(t, map[string]string{"LIMA_HOME": home, "LIMACTL": limactl}, "rotate", "vm")
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stderr, `failed to rotate the logs of instance "vm": its status is "Broken"`)
	assert.Equal(t, "boot 2\n", read(t, filepath.Join(dir, "serial.log")), "left alone")
}

func TestWrapForm(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"p", "--", "shell", "vm"}, []string{"p", "wrap", "shell", "vm"}},
		{[]string{"p", "--"}, []string{"p", "wrap"}},
		{[]string{"p", "--keep-logs", "--logs-dir", "/x", "--max-backups=3", "--", "delete", "vm", "--", "x"},
			[]string{"p", "--keep-logs", "--logs-dir", "/x", "--max-backups=3", "wrap", "delete", "vm", "--", "x"}},
		{[]string{"p", "--logs-dir", "--", "start"}, []string{"p", "--logs-dir", "--", "start"}}, // "--" is the directory
		{[]string{"p", "start", "--", "vm"}, []string{"p", "start", "--", "vm"}},
		{[]string{"p", "wrap", "--", "x"}, []string{"p", "wrap", "--", "x"}},
		{[]string{"p"}, []string{"p"}},
	} {
		assert.Equal(t, c.want, wrapForm(c.in), "%q", c.in)
	}
}

// `limactl-logkeep -- LIMACTL-ARGS` (`limactl logkeep -- ...` through Lima's
// plugins) is `limactl-logkeep wrap LIMACTL-ARGS`, every door included.
func TestDoubleDashRunsLikeWrap(t *testing.T) {
	for _, c := range []struct {
		args   []string
		rotate bool
	}{
		{[]string{"--", "list", "--json", "a b"}, false},
		{[]string{"--", "start", "vm"}, true},
		{[]string{"--", "shell", "--start", "vm", "uname", "-a"}, true},
		{[]string{"--", "shell", "vm", "true"}, false}, // no terminal here: Lima will not ask
		{[]string{"--", "--tty", "shell", "vm", "true"}, true},
		{[]string{"--", "edit", "vm", "--start", "--cpus", "2"}, true},
		{[]string{"--debug", "--", "clone", "vm", "copy", "--start"}, true},
		{[]string{"--", "rename", "vm", "moved", "--start=false"}, false},
		{[]string{"--", "-y", "rename", "vm", "moved"}, false},
	} {
		for _, form := range []string{"--", "wrap"} {
			args := append([]string{}, c.args...)
			args[slices.Index(args, "--")] = form
			home := t.TempDir()
			dir := instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
			limactl, argsFile := fakeLimactl(t)
			r := run(t, map[string]string{"LIMACTL": limactl, "FAKE_STATUS": "4", "LIMA_HOME": home}, args...)
			assert.Equal(t, 4, r.status, "%q: limactl's status\n%s", args, r.stderr)
			limactlArgs := args[slices.Index(args, form)+1:]
			assert.Equal(t, strings.Join(limactlArgs, "\n")+"\n", read(t, argsFile), "%q: the line, unchanged", args)
			_, err := os.Stat(filepath.Join(dir, "serial.1.log"))
			assert.Equal(t, c.rotate, err == nil, "%q: rotated\n%s", args, r.stderr)
		}
	}
}

func TestDoubleDashKeepLogsDeletePreserves(t *testing.T) {
	home := t.TempDir()
	instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
	limactl, argsFile := fakeLimactl(t)
	logs := t.TempDir()
	r := run(t, map[string]string{"LIMACTL": limactl, "LIMA_HOME": home}, "--keep-logs", "--logs-dir", logs, "--", "delete", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "delete\nvm\n", read(t, argsFile))
	sets, err := os.ReadDir(filepath.Join(logs, "vm"))
	require.NoError(t, err)
	require.Len(t, sets, 1)
	assert.Equal(t, "boot A\n", read(t, filepath.Join(logs, "vm", sets[0].Name(), "serial.log")))
}

// A boot line with a flag the wrapper does not know goes through unchanged with
// one warning on stderr naming the instance whose logs are at risk.
func TestUnknownBootFlagWarnsAndPassesThrough(t *testing.T) {
	home := t.TempDir()
	dir := instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
	limactl, argsFile := fakeLimactl(t)
	r := run(t, map[string]string{"LIMACTL": limactl, "LIMA_HOME": home}, "--", "start", "--from-the-future", "vm")
	assert.Equal(t, 0, r.status)
	assert.Equal(t, "start\n--from-the-future\nvm\n", read(t, argsFile))
	assert.Equal(t, "boot A\n", read(t, filepath.Join(dir, "serial.log")))
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	require.Len(t, lines, 2, r.stderr) // the warning, then the fake limactl's own line
	assert.Contains(t, lines[0], "limactl logkeep rotate vm")
	assert.Equal(t, "fake stderr", lines[1])
}
