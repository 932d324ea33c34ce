// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// logNames are Lima's six active logs, as limaadapter.LogNames lists them.
var logNames = []string{"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log"}

// fixture is a LIMA_HOME with its logs directory and a Store over them.
type fixture struct {
	home  string
	store Store
}

func validName(name string) error {
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." || strings.HasPrefix(name, "_") {
		return errors.New("invalid instance name")
	}
	return nil
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	home := t.TempDir()
	fx := &fixture{home: home}
	fx.store = Store{
		LogsDir:    filepath.Join(home, "_logkeep"),
		LogNames:   logNames,
		ConfigFile: "lima.yaml",
		InstanceDir: func(name string) (string, error) {
			if err := validName(name); err != nil {
				return "", err
			}
			return filepath.Join(home, name), nil
		},
		ValidNames: func(names []string) error {
			for _, name := range names {
				if err := validName(name); err != nil {
					return err
				}
			}
			return nil
		},
		Instances: func() ([]string, error) {
			entries, err := os.ReadDir(home)
			var names []string
			for _, e := range entries {
				if e.IsDir() && validName(e.Name()) == nil {
					names = append(names, e.Name())
				}
			}
			return names, err
		},
	}
	return fx
}

// t0 is the time of the first file the tests write; each later one is a minute on.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// write creates dir/name with content and modification time at.
func write(t *testing.T, dir, name, content string, at time.Time) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	require.NoError(t, os.Chtimes(path, at, at))
	return path
}

// instance creates an instance directory with lima.yaml and files.
func (fx *fixture) instance(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(fx.home, name)
	write(t, dir, "lima.yaml", "vmType: qemu\n", t0)
	for file, content := range files {
		write(t, dir, file, content, t0)
	}
	return dir
}

// set creates a preserved set of instance name.
func (fx *fixture) set(t *testing.T, name, set string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(fx.store.LogsDir, name, set)
	for file, content := range files {
		write(t, dir, file, content, t0)
	}
	return dir
}

// tree returns every path under root with its content ("<dir>" for directories).
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.Walk(root, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if fi.IsDir() {
			out[rel] = "<dir>"
			return nil
		}
		b, err := os.ReadFile(path)
		out[rel] = string(b)
		return err
	}))
	return out
}

func bufioWriter(f *os.File) *bufio.Writer { return bufio.NewWriterSize(f, 1<<20) }
