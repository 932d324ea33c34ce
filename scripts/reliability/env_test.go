// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// missing skips the test loudly because a prerequisite is missing, or fails it when CI=true.
func missing(t *testing.T, what string) {
	t.Helper()
	testutil.MissingPrerequisite(t, "%s (run the suite with `make reliability`, which sets the environment up)", what)
}

// logkeepBin returns $LOGKEEP_BIN, the built limactl-logkeep; the CLI-level scenarios run it.
func logkeepBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("LOGKEEP_BIN")
	if bin == "" {
		missing(t, "LOGKEEP_BIN (the built bin/limactl-logkeep) is not set")
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode().Perm()&0o111 == 0 {
		missing(t, "LOGKEEP_BIN="+bin+" is not an executable file")
	}
	return bin
}

// nonRoot fails or skips when the suite runs as root, which bypasses permission checks.
func nonRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		missing(t, "running as root: permission faults cannot be produced (run through scripts/as-test-user)")
	}
}

// fixtureDir returns the directory named by env var name (prepared by scripts/setup.sh as root).
func fixtureDir(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv(name)
	if dir == "" {
		missing(t, name+" is not set (scripts/setup.sh prepares it as root)")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		missing(t, name+"="+dir+" is not a directory (scripts/setup.sh mounts it as root)")
	}
	return dir
}

// shmDir returns a new directory on /dev/shm (tmpfs), removed after the test.
func shmDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "logkeep-rel-")
	if err != nil {
		missing(t, "cannot create a directory on /dev/shm (tmpfs): "+err.Error())
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// requireOtherFS fails unless a and b are on different filesystems.
func requireOtherFS(t *testing.T, a, b string) {
	t.Helper()
	var sa, sb syscall.Stat_t
	require.NoError(t, syscall.Stat(a, &sa))
	require.NoError(t, syscall.Stat(b, &sb))
	if sa.Dev == sb.Dev {
		missing(t, a+" and "+b+" are on the same filesystem: the cross-filesystem path cannot be tested")
	}
}

// sandbox is a scratch LIMA_HOME with a fake limactl and a place outside both for canaries.
type sandbox struct {
	root    string // everything of the sandbox is below root
	home    string // LIMA_HOME
	logs    string // the logs dir passed with LIMA_LOGKEEP_DIR
	outside string // files that must never change
	fake    *fakeLimactl
	env     map[string]string
}

// newSandbox makes a sandbox under parent ("" for a new temporary directory on disk).
func newSandbox(t *testing.T, parent string) *sandbox {
	t.Helper()
	if parent == "" {
		parent = t.TempDir()
	}
	root, err := os.MkdirTemp(parent, "sb-")
	require.NoError(t, err)
	sb := &sandbox{root: root, home: filepath.Join(root, "lima"), logs: filepath.Join(root, "lima", "_logkeep"),
		outside: filepath.Join(root, "outside")}
	require.NoError(t, os.MkdirAll(sb.home, 0o755))
	require.NoError(t, os.MkdirAll(sb.outside, 0o755))
	sb.fake = newFakeLimactl(t)
	sb.env = map[string]string{
		"LIMA_HOME":        sb.home,
		"LIMACTL":          sb.fake.path,
		"LIMA_LOGKEEP_DIR": sb.logs,
		"HOME":             root,
	}
	return sb
}

// limaYAML is a configuration Lima v1.2.1 loads without complaint: the instance is Stopped when
// there are no pid files.
const limaYAML = "images:\n- location: /nonexistent.img\n  arch: x86_64\nplain: true\n"

// instance creates the instance name with lima.yaml and files (name -> content, mode 0644).
func (sb *sandbox) instance(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(sb.home, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte(limaYAML), 0o644))
	for file, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	}
	return dir
}

// result is what a limactl-logkeep run gave.
type result struct {
	args           []string
	stdout, stderr string
	status         int
}

// run runs $LOGKEEP_BIN args with the sandbox's environment plus extra (KEY=VALUE), with a
// timeout, and returns its output and exit status. A run that cannot start or times out fails
// the test.
func (sb *sandbox) run(t *testing.T, bin string, extra []string, args ...string) result {
	t.Helper()
	r, err := sb.runE(bin, extra, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runE is run for other goroutines than the test's: it returns the failure instead.
func (sb *sandbox) runE(bin string, extra []string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = sb.environ(extra)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		return r, fmt.Errorf("limactl-logkeep %q did not finish within 60s (a hang): %s", args, stderr.String())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.status = exit.ExitCode()
	case err != nil:
		return r, fmt.Errorf("cannot run limactl-logkeep %q: %w", args, err)
	}
	return r, nil
}

// environ is the sandbox's environment: a minimal one, the sandbox's variables, then extra.
func (sb *sandbox) environ(extra []string) []string {
	env := []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}
	keys := make([]string, 0, len(sb.env))
	for k := range sb.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+sb.env[k])
	}
	return append(env, extra...)
}

// noLimaNoise returns what Lima-internal warnings stderr shows, if any.
func noLimaNoise(stderr string) []string {
	var found []string
	for _, s := range []string{"Non-strict YAML", "treating lima version", "panic:", "goroutine "} {
		if strings.Contains(stderr, s) {
			found = append(found, s)
		}
	}
	return found
}
