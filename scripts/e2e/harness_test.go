// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package e2e proves limactl-logkeep with two real limactl, Lima v2.2.0 and v1.2.1
// (each built by scripts/setup.sh from its own pinned module in scripts/lima), the
// real QEMU and the tiny test guest, whose /init prints a random
// "LOGKEEP-BOOT-MARKER <hex>" line on the serial console at every boot. Every
// scenario runs once per Lima version, as the subtests v2.2.0/... and v1.2.1/...,
// where the version has the commands it needs.
//
// Run by `make test` (scripts/test.sh), as the non-root test user. Prerequisites
// come from scripts/setup.sh; without them every test fails in CI and is skipped
// loudly elsewhere.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// prerequisites are the environment variables scripts/setup.sh and the Makefile provide.
var prerequisites = []string{"LOGKEEP_BIN", "LIMACTL_V2", "LIMACTL_V1", "LOGKEEP_TINY_YAML", "QEMU_SYSTEM_X86_64"}

// limaVersion is one real Lima the scenarios run against.
type limaVersion struct {
	name    string // the release, e.g. "v2.2.0": the subtest's name
	major   int    // 1 or 2: what the commands and flags of that release are
	limactl string // its limactl, as scripts/setup.sh built it
}

// versions are the Lima releases every scenario runs against, Lima 2 first. The
// paths come from the environment (scripts/setup.sh --print-env).
func versions() []limaVersion {
	return []limaVersion{
		{name: "v2.2.0", major: 2, limactl: os.Getenv("LIMACTL_V2")},
		{name: "v1.2.1", major: 1, limactl: os.Getenv("LIMACTL_V1")},
	}
}

// forEachVersion runs scenario as a parallel subtest per Lima version, each with
// its own LIMA_HOME.
func forEachVersion(t *testing.T, scenario func(t *testing.T, l *lima)) {
	t.Helper()
	requirePrerequisites(t)
	for _, v := range versions() {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			scenario(t, newLima(t, v))
		})
	}
}

// onlyV2 runs scenario as the parallel subtest v2.2.0 alone: the commands it needs
// are not in Lima 1 (the test says which in its comment).
func onlyV2(t *testing.T, scenario func(t *testing.T, l *lima)) {
	t.Helper()
	requirePrerequisites(t)
	v := versions()[0]
	t.Run(v.name, func(t *testing.T) {
		t.Parallel()
		scenario(t, newLima(t, v))
	})
}

func requirePrerequisites(t *testing.T) {
	t.Helper()
	requireEnv(t, prerequisites...)
}

// requireEnv fails (in CI) or skips loudly unless every variable in names is set
// to an existing path and the test runs as a non-root user.
func requireEnv(t *testing.T, names ...string) {
	t.Helper()
	var missing []string
	for _, name := range names {
		if v := os.Getenv(name); v == "" {
			missing = append(missing, name)
		} else if _, err := os.Stat(v); err != nil {
			missing = append(missing, name+" ("+err.Error()+")")
		}
	}
	if os.Geteuid() == 0 {
		missing = append(missing, "a non-root user (limactl refuses root; run through scripts/as-test-user)")
	}
	if len(missing) == 0 {
		return
	}
	testutil.MissingPrerequisite(t, "end-to-end: %s; run `make test` (scripts/setup.sh prepares them)", strings.Join(missing, ", "))
}

// lima is one LIMA_HOME and one Lima version, with the commands that act on it.
type lima struct {
	t       *testing.T
	home    string
	version limaVersion
	env     []string // extra environment for every command
}

// newLima makes a LIMA_HOME with a short path (Lima's unix sockets must fit in
// 108 bytes) and stops every instance in it when the test ends.
func newLima(t *testing.T, v limaVersion) *lima {
	t.Helper()
	requirePrerequisites(t)
	home, err := os.MkdirTemp("", "lk")
	require.NoError(t, err)
	l := &lima{t: t, home: home, version: v}
	t.Cleanup(func() {
		entries, _ := os.ReadDir(home)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), "_") && e.IsDir() {
				stop := exec.Command(v.limactl, "stop", "-f", e.Name())
				stop.Env = append(os.Environ(), "LIMA_HOME="+home)
				_ = stop.Run()
			}
		}
		_ = os.RemoveAll(home)
	})
	return l
}

// result is what a command did.
type result struct {
	stdout, stderr string
	status         int
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit status %d\n--- stdout:\n%s--- stderr:\n%s", r.status, r.stdout, r.stderr)
}

// run runs path with args in this LIMA_HOME, with env added.
func (l *lima) run(env []string, path string, args ...string) result {
	l.t.Helper()
	return l.runWith(nil, env, path, args...)
}

// runOpts says how a command runs, beyond its arguments and environment.
type runOpts struct {
	// until, when not nil, is polled while the command runs and, once true, the
	// command's whole process group is killed (the status is then -1). Lima's
	// host agent runs in its own session and survives that.
	until func() bool
	// tty runs the command on a terminal (util-linux script) that answers Lima's
	// cursor-position queries and "y" to its "start the instance now?" prompt.
	tty bool
}

// runWith is run, with o (nil: none) applied.
func (l *lima) runWith(o *runOpts, env []string, path string, args ...string) result {
	l.t.Helper()
	if o == nil {
		o = &runOpts{}
	}
	if o.tty {
		args = []string{"-qefc", shellLine(append([]string{path}, args...)), "/dev/null"}
		path = "script"
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(append(os.Environ(), "LIMA_HOME="+l.home, "LIMACTL="+l.version.limactl), l.env...)
	cmd.Env = withEnv(cmd.Env, env)
	ownProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var term *answeringTerminal
	if o.tty {
		stdin, err := cmd.StdinPipe()
		require.NoError(l.t, err)
		term = newAnsweringTerminal(stdin)
		cmd.Stdout = term
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		l.t.Fatalf("cannot run %s: %v", path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	err := waitOrKill(cmd, done, o.until)
	if term != nil {
		stdout.WriteString(term.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(began)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.status = exitErr.ExitCode()
	case err != nil:
		l.t.Fatalf("running %s: %v", path, err)
	}
	return r
}

// shellLine quotes argv for sh -c.
func shellLine(argv []string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}

// answeringTerminal is the output side of a terminal driven by script(1): it
// keeps what the program writes, answers each cursor-position query (ESC [6n,
// which Lima's prompt library sends twice before it reads a key) and, once the
// "start the instance now?" prompt and both queries are seen, types "y" Enter.
type answeringTerminal struct {
	mu       sync.Mutex
	out      bytes.Buffer
	answered int
	typed    bool
	replies  chan string
}

func newAnsweringTerminal(stdin io.WriteCloser) *answeringTerminal {
	a := &answeringTerminal{replies: make(chan string, 16)}
	go func() {
		for r := range a.replies {
			if r == "y\r" {
				time.Sleep(300 * time.Millisecond) // let the prompt put the terminal in raw mode
			}
			_, _ = io.WriteString(stdin, r)
		}
	}()
	return a
}

func (a *answeringTerminal) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.out.Write(p)
	for n := bytes.Count(a.out.Bytes(), []byte("\x1b[6n")); a.answered < n; a.answered++ {
		a.replies <- "\x1b[1;1R"
	}
	if !a.typed && a.answered >= 2 && bytes.Contains(a.out.Bytes(), []byte("start the instance now?")) {
		a.typed = true
		a.replies <- "y\r"
	}
	return len(p), nil
}

func (a *answeringTerminal) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.out.String()
}

// waitOrKill returns the command's end (from done); when until turns true first,
// it kills the command's process group and returns that end.
func waitOrKill(cmd *exec.Cmd, done <-chan error, until func() bool) error {
	if until == nil {
		return <-done
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if until() {
				killGroup(cmd)
				return <-done
			}
		}
	}
}

// withEnv returns base with the entries of env added, later ones winning; an
// entry "-NAME" removes NAME (a user who never set it, as opposed to NAME="").
func withEnv(base, env []string) []string {
	out := slices.Clone(base)
	for _, e := range env {
		if name, ok := strings.CutPrefix(e, "-"); ok {
			out = slices.DeleteFunc(out, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
			continue
		}
		out = append(out, e)
	}
	return out
}

// logkeep runs limactl-logkeep with args.
func (l *lima) logkeep(env []string, args ...string) result {
	l.t.Helper()
	return l.run(env, os.Getenv("LOGKEEP_BIN"), args...)
}

// limactl runs this version's real limactl with args.
func (l *lima) limactl(args ...string) result {
	l.t.Helper()
	return l.run(nil, l.version.limactl, args...)
}

// must fails the test unless r succeeded, and returns it.
func (l *lima) must(r result) result {
	l.t.Helper()
	require.Equal(l.t, 0, r.status, "%s", r)
	return r
}

// create makes the instance name from the tiny guest's template, without booting it.
func (l *lima) create(name string) string {
	l.t.Helper()
	l.must(l.limactl("--tty=false", "create", "--name="+name, os.Getenv("LOGKEEP_TINY_YAML")))
	return filepath.Join(l.home, name)
}

// status returns limactl's status word of the instance.
func (l *lima) status(name string) string {
	l.t.Helper()
	return strings.TrimSpace(l.must(l.limactl("list", "--format", "{{.Status}}", name)).stdout)
}

var markerRE = regexp.MustCompile(`LOGKEEP-BOOT-MARKER [0-9a-f]+`)

// marker returns the boot marker in the file at path, failing when it has none.
func marker(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	m := markerRE.Find(b)
	require.NotNil(t, m, "no boot marker in %s", path)
	return string(m)
}

// timed logs how long a scenario step took.
func timed(t *testing.T, what string, began time.Time) {
	t.Helper()
	t.Logf("TIME %-58s %6.1fs", what, time.Since(began).Seconds())
}

// generations returns the generation numbers of base (e.g. "serial") in dir.
func generations(t *testing.T, dir, base string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, base+".*.log"))
	require.NoError(t, err)
	var ns []string
	for _, m := range matches {
		n := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), base+"."), ".log")
		if n != "" && !strings.Contains(n, ".") {
			ns = append(ns, n)
		}
	}
	return ns
}

// shim puts the drop-in shim (scripts/limactl, next to a link to LOGKEEP_BIN)
// first on PATH, this version's limactl directory (which holds Lima's `lima`
// script) after it, LIMACTL unset (not empty: Lima's `lima` script would then
// export LIMACTL=limactl), and returns a runner for commands in that
// environment: run(nil, env, "limactl", args...) is what a user typing
// `limactl ARGS` runs. Its first result is the shim's path.
func (l *lima) shim(t *testing.T) (string, runner) {
	t.Helper()
	shimDir := t.TempDir()
	shimScript, err := os.ReadFile(filepath.Join("..", "limactl"))
	require.NoError(t, err)
	shimPath := filepath.Join(shimDir, "limactl")
	require.NoError(t, os.WriteFile(shimPath, shimScript, 0o755))
	require.NoError(t, os.Symlink(os.Getenv("LOGKEEP_BIN"), filepath.Join(shimDir, "limactl-logkeep")))
	limaDir := filepath.Dir(l.version.limactl)
	path := []string{"PATH=" + shimDir + ":" + limaDir + ":" + os.Getenv("PATH"), "-LIMACTL"}
	return shimPath, func(o *runOpts, env []string, name string, args ...string) result {
		t.Helper()
		exe := shimPath
		if name != "limactl" {
			exe = filepath.Join(limaDir, name)
		}
		return l.runWith(o, append(path, env...), exe, args...)
	}
}

// stopped stops the instance name forcibly with the real limactl and checks it is Stopped.
func (l *lima) stopped(name string) {
	l.t.Helper()
	l.must(l.limactl("stop", "-f", name))
	require.Equal(l.t, "Stopped", l.status(name))
}
