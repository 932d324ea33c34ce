// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// moveDirs returns a source and a destination directory on the same filesystem or on two.
func moveDirs(t *testing.T, crossDevice bool) (src, dst string) {
	t.Helper()
	dst = t.TempDir()
	if crossDevice {
		return otherDeviceDir(t, dst), dst
	}
	return t.TempDir(), dst
}

func TestMoveFileNeverReplaces(t *testing.T) {
	for _, cross := range []bool{false, true} {
		name := map[bool]string{false: "same filesystem", true: "across filesystems"}[cross]
		t.Run(name+": existing file", func(t *testing.T) {
			src, dst := moveDirs(t, cross)
			writeFile(t, filepath.Join(src, "serial.log"), "new")
			writeFile(t, filepath.Join(dst, "serial.log"), "keep me")
			err := MoveFile(filepath.Join(src, "serial.log"), filepath.Join(dst, "serial.log"))
			require.ErrorIs(t, err, fs.ErrExist)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, filepath.Join(src, "serial.log"), fe.Path)
			assert.Equal(t, map[string]string{"serial.log": "new"}, snapshot(t, src))
			assert.Equal(t, map[string]string{"serial.log": "keep me"}, snapshot(t, dst), "no temporary file left")
		})
		t.Run(name+": dangling symlink", func(t *testing.T) {
			src, dst := moveDirs(t, cross)
			writeFile(t, filepath.Join(src, "serial.log"), "new")
			target := filepath.Join(t.TempDir(), "target")
			require.NoError(t, os.Symlink(target, filepath.Join(dst, "serial.log")))
			err := MoveFile(filepath.Join(src, "serial.log"), filepath.Join(dst, "serial.log"))
			require.ErrorIs(t, err, fs.ErrExist)
			assert.Equal(t, map[string]string{"serial.log": "new"}, snapshot(t, src))
			assert.Equal(t, map[string]string{"serial.log": "-> " + target}, snapshot(t, dst))
			assert.NoFileExists(t, target, "nothing written through the symlink")
		})
		t.Run(name+": moves content, mode and mtime", func(t *testing.T) {
			src, dst := moveDirs(t, cross)
			p := filepath.Join(src, "ha.stderr.log")
			writeFile(t, p, "{\"level\":\"info\"}\n")
			require.NoError(t, os.Chmod(p, 0o604))
			mt := time.Date(2023, 5, 6, 7, 8, 9, 10, time.UTC)
			setMtime(t, p, mt)
			require.NoError(t, MoveFile(p, filepath.Join(dst, "ha.stderr.log")))
			assert.Empty(t, testutil.DirNames(t, src))
			assert.Equal(t, map[string]string{"ha.stderr.log": "{\"level\":\"info\"}\n"}, snapshot(t, dst))
			fi, err := os.Stat(filepath.Join(dst, "ha.stderr.log"))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o604), fi.Mode().Perm())
			assert.True(t, mt.Equal(fi.ModTime()))
		})
	}
}

func TestMoveFileRefusesNonRegular(t *testing.T) {
	for _, cross := range []bool{false, true} {
		src, dst := moveDirs(t, cross)
		outside := filepath.Join(t.TempDir(), "secret")
		writeFile(t, outside, "outside")
		require.NoError(t, os.Symlink(outside, filepath.Join(src, "serial.log")))
		require.NoError(t, os.Mkdir(filepath.Join(src, "dir.log"), 0o755))
		for _, name := range []string{"serial.log", "dir.log"} {
			err := MoveFile(filepath.Join(src, name), filepath.Join(dst, name))
			require.ErrorIs(t, err, ErrNotRegular, name)
		}
		assert.Equal(t, map[string]string{"serial.log": "-> " + outside, "dir.log": "<dir>"}, snapshot(t, src))
		assert.Empty(t, testutil.DirNames(t, dst))
		assert.Equal(t, "outside", readFile(t, outside))
	}
}

func TestCopyFileKeepsModeNeverReplaces(t *testing.T) {
	for _, cross := range []bool{false, true} {
		src, dst := moveDirs(t, cross)
		p := filepath.Join(src, "lima.yaml")
		writeFile(t, p, "vmType: qemu\n")
		require.NoError(t, os.Chmod(p, 0o600))
		require.NoError(t, copyFile(p, filepath.Join(dst, "lima.yaml"), realOps()))
		assert.Equal(t, "vmType: qemu\n", readFile(t, p), "source kept")
		fi, err := os.Stat(filepath.Join(dst, "lima.yaml"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

		writeFile(t, p, "changed")
		require.ErrorIs(t, copyFile(p, filepath.Join(dst, "lima.yaml"), realOps()), fs.ErrExist)
		assert.Equal(t, map[string]string{"lima.yaml": "vmType: qemu\n"}, snapshot(t, dst))
	}
}

func TestRenameNoReplaceFallback(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeFile(t, a, "a")
	writeFile(t, b, "b")
	require.ErrorIs(t, renameCheckThenRename(a, b), fs.ErrExist)
	require.NoError(t, os.Remove(b))
	require.NoError(t, os.Symlink("/nonexistent", b))
	require.ErrorIs(t, renameCheckThenRename(a, b), fs.ErrExist, "a dangling symlink is not replaced")
	c := filepath.Join(dir, "c")
	require.NoError(t, renameCheckThenRename(a, c))
	assert.Equal(t, map[string]string{"b": "-> /nonexistent", "c": "a"}, snapshot(t, dir))
}

func TestTempNamesNeverLookLikeLogs(t *testing.T) {
	dir := t.TempDir()
	for _, final := range []string{"serial.log", "serial.1.log.gz", "lima.yaml"} {
		f, err := createTemp(dir, final)
		require.NoError(t, err)
		name := filepath.Base(f.Name())
		require.NoError(t, f.Close())
		got, ok := IsTempName(name)
		assert.True(t, ok, name)
		assert.Equal(t, final, got)
		_, isGen := ParseGeneration(name)
		assert.False(t, isGen, name)
		assert.NotRegexp(t, `\.log(\.gz)?$`, name)
	}
	for _, name := range []string{"serial.log", ".serial.log.tmp-", ".serial.log.tmp-0123456789ABCDEF", "x.tmp-0123456789abcdef", "..tmp-0123456789abcdef"} {
		_, ok := IsTempName(name)
		assert.False(t, ok, name)
	}
}
