// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// terminals sets what the hooks are told of the standard streams.
func (fx *fixture) terminals(stdout, stdin bool) {
	fx.hooks.StdoutTTY = func() bool { return stdout }
	fx.hooks.StdinTTY = func() bool { return stdin }
}

// logTo makes the hooks' messages readable by the test.
func (fx *fixture) logTo() *bytes.Buffer {
	var out bytes.Buffer
	log := logrus.New()
	log.SetOutput(&out)
	fx.hooks.Log = log
	return &out
}

// wrapped runs argv through Wrap and reports whether instance dir's logs were
// rotated, checking that limactl got the line unchanged, once.
func wrapped(t *testing.T, fx *fixture, dir string, argv ...string) (rotated bool) {
	t.Helper()
	status, err := fx.hooks.Wrap(context.Background(), argv)
	require.NoError(t, err, "%q", argv)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{argv}, fx.lima.execs, "%q reaches limactl unchanged", argv)
	assert.Empty(t, fx.lima.runs, "%q", argv)
	_, err = os.Stat(filepath.Join(dir, "serial.1.log"))
	if err == nil {
		assert.Equal(t, "boot 1\n", readFile(t, filepath.Join(dir, "serial.1.log")), "%q", argv)
		assert.NoFileExists(t, filepath.Join(dir, "serial.log"))
		return true
	}
	assert.Equal(t, "boot 1\n", readFile(t, filepath.Join(dir, "serial.log")), "%q", argv)
	return false
}

// Each row: a line of a door on a stopped instance, what the streams are, and
// whether Lima may boot it (so the logs must be rotated first).
func TestDoorsRotateAStoppedInstanceExactlyWhenLimaMayBootIt(t *testing.T) {
	cases := []struct {
		argv          []string
		stdout, stdin bool
		rotate        bool
		why           string
	}{
		{[]string{"shell", "vm", "true"}, false, false, false, "no --start, no terminal: Lima says it is stopped"},
		{[]string{"shell", "vm", "true"}, true, true, true, "Lima asks start now?"},
		{[]string{"shell", "vm", "true"}, true, false, true, "--tty defaults to a terminal stdout"},
		{[]string{"shell", "vm", "true"}, false, true, true, "Lima 1.2.1's shell asks whatever --tty says"},
		{[]string{"shell", "--start", "vm", "true"}, false, false, true, "--start"},
		{[]string{"shell", "--start=true", "vm"}, false, false, true, "--start=true"},
		{[]string{"shell", "--start=false", "vm"}, true, true, false, "--start=false: no prompt, no boot"},
		{[]string{"--tty=false", "shell", "vm"}, true, false, false, "--tty=false overrides the terminal"},
		{[]string{"-y", "shell", "vm"}, true, false, false, "-y is --tty=false"},
		{[]string{"shell", "-y", "vm"}, true, false, false, "global flags after the command word"},
		{[]string{"--tty", "shell", "vm"}, false, false, true, "--tty: Lima asks"},
		{[]string{"shell", "--tty=true", "vm"}, false, false, true, "--tty=true after the command word"},
		{[]string{"-y", "shell", "--start", "vm"}, true, true, true, "--start boots without asking"},
		{[]string{"shell", "vm", "--start"}, false, false, false, "--start after the instance is the guest's"},
		{[]string{"shell", "--workdir", "/", "--instance", "vm", "--start", "ls"}, false, false, true, "the lima script's --instance"},
		{[]string{"--tty", "-y", "shell", "--start", "vm"}, true, true, false, "limactl refuses --tty with -y"},
		{[]string{"edit", "vm", "--cpus", "2"}, false, false, false, "no terminal: no prompt"},
		{[]string{"edit", "vm", "--cpus", "2"}, false, true, false, "edit asks only with --tty"},
		{[]string{"edit", "vm", "--cpus", "2"}, true, false, true, "Lima asks once the configuration changed"},
		{[]string{"edit", "vm", "--start", "--cpus", "2"}, false, false, true, "--start"},
		{[]string{"--yes", "edit", "--set", ".cpus=2", "vm"}, true, true, false, "-y, no --start"},
		{[]string{"edit", "vm", "--start=false"}, true, true, false, "--start=false"},
		{[]string{"edit", "--tty=false", "vm", "--start"}, false, false, true, "--start with --tty=false"},
		{[]string{"edit", "./vm.yaml", "--start"}, true, true, false, "a file: no instance"},
		{[]string{"edit", "vm", "--help"}, true, true, false, "help"},
		{[]string{"list", "vm"}, true, true, false, "not a door"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.argv, " ")+" "+strconv.FormatBool(c.stdout)+strconv.FormatBool(c.stdin), func(t *testing.T) {
			fx := newFixture(t)
			fx.terminals(c.stdout, c.stdin)
			dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
			assert.Equal(t, c.rotate, wrapped(t, fx, dir, c.argv...), c.why)
		})
	}
}

// The default instance of edit, and protected instances (protect only stops
// delete), boot like any other.
func TestDoorsDefaultAndProtectedInstances(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "default", "Stopped", map[string]string{"serial.log": "boot 1\n"})
	fx.lima.protected["default"] = true
	assert.True(t, wrapped(t, fx, dir, "edit", "--start", "--memory", "1"))

	fx = newFixture(t)
	dir = fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
	fx.lima.protected["vm"] = true
	assert.True(t, wrapped(t, fx, dir, "shell", "--start", "vm"))
}

// clone and rename boot NEW, made of OLD's files: OLD is rotated first, so its
// last boot travels as a generation and NEW's boot deletes nothing.
func TestCloneAndRenameRotateOLD(t *testing.T) {
	for _, c := range []struct {
		argv          []string
		stdout, stdin bool
		rotate        bool
	}{
		{[]string{"clone", "vm", "copy", "--start"}, false, false, true},
		{[]string{"rename", "vm", "moved", "--start"}, false, false, true},
		{[]string{"rename", "--start", "vm", "moved", "--cpus", "1"}, false, false, true},
		{[]string{"clone", "vm", "copy"}, true, false, true},
		{[]string{"--tty=false", "clone", "vm", "copy"}, true, true, false},
		{[]string{"rename", "vm", "moved"}, false, true, false},
		{[]string{"clone", "vm", "copy", "--start=false"}, true, true, false},
		{[]string{"-y", "rename", "vm", "moved"}, true, true, false},
		{[]string{"clone", "vm"}, true, true, false},
	} {
		fx := newFixture(t)
		fx.terminals(c.stdout, c.stdin)
		dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
		assert.Equal(t, c.rotate, wrapped(t, fx, dir, c.argv...), "%q", c.argv)
		assert.NoDirExists(t, filepath.Join(fx.home, "copy"), "NEW is limactl's to make")
		assert.NoDirExists(t, filepath.Join(fx.home, "moved"))
	}
}

// `limactl shell RUNNING ...` is Lima's most frequent command: a live host agent
// answers before anything is inspected, and the line goes to limactl at once.
func TestDoorsLeaveARunningInstanceAloneWithoutInspectingIt(t *testing.T) {
	for _, argv := range [][]string{{"shell", "vm", "true"}, {"shell", "--start", "vm"}, {"edit", "--start", "vm"}, {"clone", "vm", "b", "--start"}} {
		fx := newFixture(t)
		fx.terminals(true, true)
		dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "boot 1\n", "ha.pid": strconv.Itoa(os.Getpid())})
		fx.lima.failOn("Inspect", "vm", errors.New("must not be inspected"))
		assert.False(t, wrapped(t, fx, dir, argv...), "%q", argv)
		assert.True(t, fx.hooks.PassesThrough(argv), "%q: the fast path execs limactl at once", argv)
	}
}

func TestDoorsPassMissingRunningAndBrokenInstancesThrough(t *testing.T) {
	fx := newFixture(t)
	fx.terminals(true, true)
	status, err := fx.hooks.Wrap(context.Background(), []string{"shell", "--start", "ghost"})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"shell", "--start", "ghost"}}, fx.lima.execs, "limactl says it does not exist")

	for _, argv := range [][]string{{"shell", "--start", "vm"}, {"edit", "--start", "vm"}, {"rename", "vm", "b", "--start"}} {
		for _, status := range []string{"Running", "Broken"} {
			fx := newFixture(t)
			out := fx.logTo()
			dir := fx.instance(t, "vm", status, map[string]string{"serial.log": "boot 1\n"})
			assert.False(t, wrapped(t, fx, dir, argv...), "%q %s", argv, status)
			if status == "Broken" && argv[0] != "shell" {
				assert.Contains(t, out.String(), "limactl logkeep rotate vm", "%q: edit, clone and rename may boot it: say how to keep the logs", argv)
			} else {
				assert.Empty(t, out.String(), "%q %s", argv, status)
			}
		}
	}
}

func TestDoorsStopWhenTheInstanceCannotBeInspected(t *testing.T) {
	for _, argv := range [][]string{{"shell", "--start", "vm"}, {"edit", "vm", "--start"}, {"clone", "vm", "b", "--start"}} {
		fx := newFixture(t)
		dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
		broken := errors.New("store unreadable")
		fx.lima.failOn("Inspect", "vm", broken)

		status, err := fx.hooks.Wrap(context.Background(), argv)
		require.ErrorIs(t, err, broken, "%q", argv)
		assert.NotEqual(t, 0, status)
		assert.Contains(t, err.Error(), `instance "vm"`)
		assert.Contains(t, err.Error(), "--start=false")
		assert.Empty(t, fx.lima.execs, "%q: limactl must not run", argv)
		assert.Equal(t, "boot 1\n", readFile(t, filepath.Join(dir, "serial.log")))
	}
}

// A line the wrapper cannot parse goes through unchanged, never silently where
// logs may be lost.
func TestUnknownFlagWarnsOnceNamingTheInstanceAtRisk(t *testing.T) {
	for _, argv := range [][]string{
		{"start", "--future-flag", "vm"}, {"start", "vm", "--future=1"}, {"shell", "--future", "vm", "ls"},
		{"edit", "vm", "--future"}, {"clone", "--future", "vm", "b"}, {"--tty=false", "rename", "vm", "b", "--future"},
	} {
		fx := newFixture(t)
		fx.terminals(true, true)
		out := fx.logTo()
		dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
		assert.False(t, wrapped(t, fx, dir, argv...), "%q", argv)
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		require.Len(t, lines, 1, "%q: one line", argv)
		assert.Contains(t, lines[0], "limactl logkeep rotate vm", "%q", argv)
		assert.False(t, fx.hooks.PassesThrough(argv), "%q", argv)
	}
}

func TestNoWarningWhereNothingIsAtRisk(t *testing.T) {
	for _, argv := range [][]string{
		{"start", "--help"}, {"start", "--list-templates"}, {"start", "--list-drivers"}, {"start", "--future", "newvm"},
		{"shell", "--future", "running"}, {"start", "vm"}, {"shell", "--help"},
	} {
		fx := newFixture(t)
		out := fx.logTo()
		fx.instance(t, "vm", "Stopped", nil)
		fx.instance(t, "running", "Running", map[string]string{"ha.pid": strconv.Itoa(os.Getpid())})
		_, err := fx.hooks.Wrap(context.Background(), argv)
		require.NoError(t, err)
		assert.Empty(t, out.String(), "%q", argv)
		assert.Equal(t, [][]string{argv}, fx.lima.execs)
	}
}

// flagValue is a value limactl accepts for a flag of type typ.
func flagValue(name, typ string) []string {
	switch {
	case typ == "bool":
		return []string{"--" + name}
	case name == "name":
		return []string{"--name", "vm"}
	case name == "set":
		return []string{"--set", ".cpus=2"}
	case name == "param":
		return []string{"--param", "a=b"}
	case name == "port-forward":
		return []string{"--port-forward", "8080:80"}
	case typ == "duration":
		return []string{"--" + name, "20m"}
	case typ == "ipSlice":
		return []string{"--" + name + "=1.1.1.1,8.8.8.8"}
	case typ == "int", typ == "uint16", typ == "float32":
		return []string{"--" + name + "=2"}
	}
	return []string{"--" + name, "x"}
}

// Every flag of `limactl start` of Lima v2.2.0 and v1.2.1, before and after the
// instance, and each form that names an existing instance: the previous boot is
// kept.
func TestStartEveryFlagOfBothVersionsRotates(t *testing.T) {
	flags := limaadapter.StartFlags()
	names := make([]string, 0, len(flags))
	for name := range flags {
		names = append(names, name)
	}
	sort.Strings(names)
	require.Contains(t, names, "progress", "Lima 2's flags are in the table")
	for _, name := range names {
		flag := flagValue(name, flags[name])
		listsOnly := name == "list-templates" || name == "list-drivers"
		for i, argv := range [][]string{
			append(append([]string{"start"}, flag...), "vm"),
			append([]string{"start", "vm"}, flag...),
			append([]string{"--debug", "start"}, flag...), // --name vm, or the default instance
		} {
			instance := "vm"
			if i == 2 && name != "name" {
				instance = limaadapter.DefaultInstance
			}
			fx := newFixture(t)
			dir := fx.instance(t, instance, "Stopped", map[string]string{"serial.log": "boot 1\n"})
			assert.Equal(t, !listsOnly, wrapped(t, fx, dir, argv...), "%q", argv)
		}
	}
}

func TestStartLocatorForms(t *testing.T) {
	for _, c := range []struct {
		args   []string
		rotate bool
	}{
		{nil, true}, // the default instance, made "vm" below
		{[]string{"vm"}, true},
		{[]string{"--name", "vm"}, true},
		{[]string{"--name=vm", "vm"}, true},
		{[]string{"--", "vm"}, true},
		{[]string{"--tty=false", "vm", "--timeout", "1m"}, true},
		// From a template Lima creates an instance and refuses an existing name:
		// the existing instance "vm" is never booted, so its logs stay where they are.
		{[]string{"template:vm"}, false},
		{[]string{"template://vm"}, false},
		{[]string{"./vm.yaml"}, false},
		{[]string{"https://example.com/vm.yaml"}, false},
		{[]string{"github:org/repo/vm"}, false},
		{[]string{"--name", "vm", "template:default"}, false},
		{[]string{"-"}, false},
	} {
		fx := newFixture(t)
		name := "vm"
		if c.args == nil {
			name = limaadapter.DefaultInstance
		}
		dir := fx.instance(t, name, "Stopped", map[string]string{"serial.log": "boot 1\n"})
		assert.Equal(t, c.rotate, wrapped(t, fx, dir, append([]string{"start"}, c.args...)...), "%q", c.args)
	}
}
