// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// writeFile creates path with content and mode 0644.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// readFile returns path's content, failing the test if it cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// snapshot maps each entry of dir to its content ("-> target" for symlinks, "<dir>" for dirs).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range testutil.DirNames(t, dir) {
		path := filepath.Join(dir, name)
		fi, err := os.Lstat(path)
		require.NoError(t, err)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			require.NoError(t, err)
			m[name] = "-> " + target
		case fi.IsDir():
			m[name] = "<dir>"
		case fi.Mode().IsRegular():
			m[name] = readFile(t, path)
		default:
			m[name] = "<" + fileKind(fi.Mode()) + ">"
		}
	}
	return m
}

// otherDeviceDir returns a new directory in /dev/shm, which must be on another filesystem than
// t.TempDir() (tmpfs vs disk), so renames between them fail with EXDEV.
func otherDeviceDir(t *testing.T, onDisk string) string {
	t.Helper()
	if _, err := os.Stat("/dev/shm"); err != nil {
		testutil.MissingPrerequisite(t, "/dev/shm is needed for a cross-filesystem test: %v", err)
	}
	dir, err := os.MkdirTemp("/dev/shm", "logfile-test-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	if device(t, dir) == device(t, onDisk) {
		testutil.MissingPrerequisite(t, "/dev/shm and %s are on the same filesystem; no EXDEV between them", onDisk)
	}
	return dir
}

// wrapLstat returns ops whose lstat fails with errno for the file named name.
func failLstat(name string, errno error) ops {
	o := realOps()
	o.lstat = func(path string) (fs.FileInfo, error) {
		if filepath.Base(path) == name {
			return nil, &fs.PathError{Op: "lstat", Path: path, Err: errno}
		}
		return os.Lstat(path)
	}
	return o
}

// setMtime sets path's modification time.
func setMtime(t *testing.T, path string, mt time.Time) {
	t.Helper()
	require.NoError(t, os.Chtimes(path, mt, mt))
}
