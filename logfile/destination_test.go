// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// CheckDestination accepts a logs directory and sets directory that exist as
// directories or can be created, and refuses, naming the path and changing
// nothing, one that is a symbolic link, a file, or not writable.
func TestCheckDestination(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, root, elsewhere string)
		bad    string // "" when accepted, else the path the error names: "root", "sets", "parent"
		causes []error
	}{
		{"neither exists", func(*testing.T, string, string) {}, "", nil},
		{"neither exists, nor the root's parent", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Remove(filepath.Dir(root)))
		}, "", nil},
		{"both exist", func(t *testing.T, root, _ string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "vm"), 0o700))
		}, "", nil},
		{"the root's parent is a symlink to a directory", func(t *testing.T, root, elsewhere string) {
			require.NoError(t, os.Remove(filepath.Dir(root)))
			require.NoError(t, os.Symlink(elsewhere, filepath.Dir(root)))
		}, "", nil},
		{"the root is a symlink to a directory", func(t *testing.T, root, elsewhere string) {
			require.NoError(t, os.Symlink(elsewhere, root))
		}, "root", []error{syscall.ENOTDIR}},
		{"the root is a dangling symlink", func(t *testing.T, root, elsewhere string) {
			require.NoError(t, os.Symlink(filepath.Join(elsewhere, "none"), root))
		}, "root", []error{syscall.ENOTDIR}},
		{"the root is a file", func(t *testing.T, root, _ string) {
			writeFile(t, root, "x")
		}, "root", []error{syscall.ENOTDIR}},
		{"the root's parent is a file", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Remove(filepath.Dir(root)))
			writeFile(t, filepath.Dir(root), "x")
		}, "root", []error{syscall.ENOTDIR}},
		{"the sets directory is a symlink to a directory", func(t *testing.T, root, elsewhere string) {
			require.NoError(t, os.Mkdir(root, 0o700))
			require.NoError(t, os.Symlink(elsewhere, filepath.Join(root, "vm")))
		}, "sets", []error{syscall.ENOTDIR}},
		{"the sets directory is a file", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Mkdir(root, 0o700))
			writeFile(t, filepath.Join(root, "vm"), "x")
		}, "sets", []error{syscall.ENOTDIR}},
		{"the root is not writable", func(t *testing.T, root, _ string) {
			testutil.RequireNonRoot(t)
			require.NoError(t, os.Mkdir(root, 0o500))
			t.Cleanup(func() { os.Chmod(root, 0o700) })
		}, "root", []error{fs.ErrPermission}},
		{"the sets directory is not writable", func(t *testing.T, root, _ string) {
			testutil.RequireNonRoot(t)
			require.NoError(t, os.MkdirAll(filepath.Join(root, "vm"), 0o700))
			require.NoError(t, os.Chmod(filepath.Join(root, "vm"), 0o500))
			t.Cleanup(func() { os.Chmod(filepath.Join(root, "vm"), 0o700) })
		}, "sets", []error{fs.ErrPermission}},
		{"the root's parent is not writable", func(t *testing.T, root, _ string) {
			testutil.RequireNonRoot(t)
			require.NoError(t, os.Chmod(filepath.Dir(root), 0o500))
			t.Cleanup(func() { os.Chmod(filepath.Dir(root), 0o700) })
		}, "parent", []error{fs.ErrPermission}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && len(tt.causes) > 0 && tt.causes[0] == fs.ErrPermission {
				t.Skip("write permission is not checked on Windows")
			}
			top := t.TempDir()
			root := filepath.Join(top, "home", "_logkeep")
			require.NoError(t, os.Mkdir(filepath.Dir(root), 0o700))
			elsewhere := t.TempDir()
			tt.setup(t, root, elsewhere)
			before := snapshotTree(t, top)

			err := CheckDestination(root, "vm")
			assert.Equal(t, before, snapshotTree(t, top), "nothing changed")
			assert.Empty(t, testutil.DirNames(t, elsewhere))
			if tt.bad == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrDestination)
			for _, cause := range tt.causes {
				require.ErrorIs(t, err, cause)
			}
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			want := map[string]string{"root": root, "sets": filepath.Join(root, "vm"), "parent": filepath.Dir(root)}[tt.bad]
			if slices.Contains(tt.causes, fs.ErrPermission) && tt.bad != "sets" {
				// the directory to create is named, and the one that does not let it be made
				assert.Equal(t, filepath.Join(root, "vm"), fe.Path, err.Error())
				assert.Contains(t, err.Error(), "in "+want+":")
			} else {
				assert.Equal(t, want, fe.Path, err.Error())
			}
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	for _, name := range []string{"", ".", "..", "a/b", "../vm"} {
		require.ErrorIs(t, CheckDestination(t.TempDir(), name), ErrDestination, "%q", name)
	}
}

// snapshotTree maps every path under dir (relative) to its type and content or target.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			m[rel] = "-> " + target
			return err
		case d.IsDir():
			m[rel] = "<dir " + fi.Mode().Perm().String() + ">"
		default:
			m[rel] = readFile(t, path)
		}
		return nil
	}))
	return m
}

// Preserve with Root refuses a logs directory that is a symbolic link or a
// file before anything is moved, as it refuses such a sets directory; without
// Root only the sets directory is checked (the caller's choice).
func TestPreserveRefusesASymlinkedRoot(t *testing.T) {
	for _, kind := range []string{"symlink", "file"} {
		t.Run(kind, func(t *testing.T) {
			src := t.TempDir()
			writeFile(t, filepath.Join(src, "serial.log"), "current")
			root := filepath.Join(t.TempDir(), "_logkeep")
			elsewhere := t.TempDir()
			if kind == "symlink" {
				require.NoError(t, os.Symlink(elsewhere, root))
			} else {
				writeFile(t, root, "not a dir")
			}
			res, err := Preserve(src, filepath.Join(root, "vm"), PreserveOptions{Now: setTime, Root: root})
			require.ErrorIs(t, err, ErrDestination)
			require.ErrorIs(t, err, syscall.ENOTDIR)
			assert.Contains(t, err.Error(), root)
			assert.NotContains(t, err.Error(), "\n")
			assert.Equal(t, "", res.Dir)
			assert.Equal(t, map[string]string{"serial.log": "current"}, snapshot(t, src))
			assert.Empty(t, testutil.DirNames(t, elsewhere))
		})
	}
	t.Run("a missing root is created", func(t *testing.T) {
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "serial.log"), "current")
		root := filepath.Join(t.TempDir(), "_logkeep")
		res, err := Preserve(src, filepath.Join(root, "vm"), PreserveOptions{Now: setTime, Root: root})
		require.NoError(t, err)
		assert.Equal(t, "current", readFile(t, filepath.Join(res.Dir, "serial.log")))
	})
	t.Run("destParent not directly in root", func(t *testing.T) {
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "serial.log"), "current")
		root := t.TempDir()
		_, err := Preserve(src, filepath.Join(root, "a", "vm"), PreserveOptions{Root: root})
		require.Error(t, err)
		assert.Equal(t, map[string]string{"serial.log": "current"}, snapshot(t, src))
	})
}
