// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// fakeLima stands in for Lima: instances are directories under a temporary
// LIMA_HOME whose status the test sets; Run and Exec record what limactl would
// have been asked to do. `stop` marks the instance stopped, like limactl stop.
type fakeLima struct {
	status    map[string]string
	protected map[string]bool
	runs      [][]string
	execs     [][]string
	runStatus int
	onRun     func(args []string) // called by Run, e.g. to write what QEMU would
	// fail, when set, is asked first by every call: method is "Inspect", "Run" or
	// "Exec", args the instance name (Inspect) or limactl's arguments. A non-nil
	// error fails that call with it (Run and Exec with status 1).
	fail func(method string, args []string) error
}

// failOn makes every call of method whose arguments include word fail with err,
// in addition to any failure set before.
func (f *fakeLima) failOn(method, word string, err error) {
	before := f.fail
	f.fail = func(m string, args []string) error {
		if m == method && slices.Contains(args, word) {
			return err
		}
		if before != nil {
			return before(m, args)
		}
		return nil
	}
}

func (f *fakeLima) failed(method string, args []string) error {
	if f.fail == nil {
		return nil
	}
	return f.fail(method, args)
}

func (f *fakeLima) Inspect(_ context.Context, name string) (limaadapter.Instance, error) {
	if err := f.failed("Inspect", []string{name}); err != nil {
		return limaadapter.Instance{}, err
	}
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return limaadapter.Instance{}, err
	}
	status, ok := f.status[name]
	if !ok {
		return limaadapter.Instance{}, fmt.Errorf("instance %q: %w", name, limaadapter.ErrNoInstance)
	}
	return limaadapter.Instance{Name: name, Dir: dir, Status: status, Protected: f.protected[name]}, nil
}

func (f *fakeLima) Run(_ context.Context, args ...string) (int, error) {
	f.runs = append(f.runs, args)
	if err := f.failed("Run", args); err != nil {
		return 1, err
	}
	if f.onRun != nil {
		f.onRun(args)
	}
	if f.runStatus == 0 && slices.Contains(args, "stop") {
		f.status[args[len(args)-1]] = "Stopped"
	}
	return f.runStatus, nil
}

func (f *fakeLima) Exec(args ...string) error {
	f.execs = append(f.execs, args)
	return f.failed("Exec", args)
}

// fixture is a LIMA_HOME with a fake Lima and hooks configured to use it.
type fixture struct {
	home  string
	lima  *fakeLima
	hooks Hooks
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	log := logrus.New()
	log.SetOutput(io.Discard)
	lima := &fakeLima{status: map[string]string{}, protected: map[string]bool{}}
	return &fixture{home: home, lima: lima, hooks: Hooks{
		Lima:       lima,
		Log:        log,
		LogsDir:    filepath.Join(home, "_logkeep"),
		MaxBackups: 5,
		Now:        func() time.Time { return time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC) },
	}}
}

// instance creates the instance name with lima.yaml and the given files.
func (fx *fixture) instance(t *testing.T, name, status string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(fx.home, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte("vmType: qemu\n"), 0o644))
	for file, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	}
	fx.lima.status[name] = status
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
