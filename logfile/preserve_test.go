// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

var setTime = time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))

const setStamp = "20250304T040607Z" // setTime in UTC

func TestPreservePartialFailureContinues(t *testing.T) {
	check := func(t *testing.T, src, destParent string, res PreserveResult, err error, failed ...string) {
		t.Helper()
		require.Error(t, err)
		var joined interface{ Unwrap() []error }
		require.True(t, errors.As(err, &joined), "errors.Join of one error per failed file")
		require.Len(t, joined.Unwrap(), len(failed))
		for i, name := range failed {
			var fe *FileError
			require.ErrorAs(t, joined.Unwrap()[i], &fe)
			assert.Equal(t, filepath.Join(src, name), fe.Path)
			assert.Contains(t, err.Error(), filepath.Join(src, name))
			assert.Equal(t, "content of "+name, readFile(t, filepath.Join(src, name)), "failed file whole in place")
		}
		assert.Equal(t, filepath.Join(destParent, setStamp), res.Dir)
		for _, name := range res.Moved {
			assert.Equal(t, "content of "+name, readFile(t, filepath.Join(res.Dir, name)))
			assert.NoFileExists(t, filepath.Join(src, name))
		}
		assert.Equal(t, []string{"lima.yaml"}, res.Copied)
		assert.Equal(t, "content of lima.yaml", readFile(t, filepath.Join(res.Dir, "lima.yaml")))
	}
	makeSrc := func(t *testing.T, dir string) string {
		for _, name := range []string{"a.log", "b.log", "c.log.gz", "lima.yaml"} {
			writeFile(t, filepath.Join(dir, name), "content of "+name)
		}
		return dir
	}

	t.Run("injected failures on some files", func(t *testing.T) {
		src := makeSrc(t, t.TempDir())
		destParent := filepath.Join(t.TempDir(), "logs", "vm")
		o := realOps()
		o.renameRegular = func(from, to string) error {
			if b := filepath.Base(from); b == "a.log" || b == "c.log.gz" {
				return &FileError{Op: "move", Path: from, Dest: to, Err: syscall.EROFS}
			}
			return MoveFile(from, to)
		}
		res, err := preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}}, o)
		assert.ErrorIs(t, err, syscall.EROFS)
		assert.Equal(t, []string{"b.log"}, res.Moved)
		check(t, src, destParent, res, err, "a.log", "c.log.gz")
	})

	t.Run("real failure", func(t *testing.T) {
		tmp := t.TempDir()
		destParent := filepath.Join(tmp, "logs", "vm")
		var src string
		if os.Geteuid() != 0 {
			// Across filesystems the file is copied: an unreadable source fails to open.
			src = makeSrc(t, otherDeviceDir(t, tmp))
			require.NoError(t, os.Chmod(filepath.Join(src, "b.log"), 0))
			t.Cleanup(func() { os.Chmod(filepath.Join(src, "b.log"), 0o644) })
			res, err := Preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}})
			assert.ErrorIs(t, err, fs.ErrPermission)
			require.NoError(t, os.Chmod(filepath.Join(src, "b.log"), 0o644))
			assert.Equal(t, []string{"a.log", "c.log.gz"}, res.Moved)
			check(t, src, destParent, res, err, "b.log")
			return
		}
		// As root, permissions do not stop anything, but the immutable attribute stops a rename.
		src = makeSrc(t, t.TempDir())
		b := filepath.Join(src, "b.log")
		if err := setImmutable(b, true); err != nil {
			testutil.MissingPrerequisite(t, "cannot set the immutable attribute on %s (needs CAP_LINUX_IMMUTABLE, ext4): %v", b, err)
		}
		t.Cleanup(func() { setImmutable(b, false) })
		res, err := Preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}})
		assert.ErrorIs(t, err, fs.ErrPermission) // EPERM
		require.NoError(t, setImmutable(b, false))
		assert.Equal(t, []string{"a.log", "c.log.gz"}, res.Moved)
		check(t, src, destParent, res, err, "b.log")
	})
}

// randomFile writes size pseudo-random bytes to path with mode, returning their sha256.
func randomFile(t *testing.T, path string, size int64, mode os.FileMode, seed uint64) [32]byte {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	require.NoError(t, err)
	h := sha256.New()
	rng := rand.NewChaCha8([32]byte{byte(seed)})
	_, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(rng, size))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.Chmod(path, mode))
	return [32]byte(h.Sum(nil))
}

func sha256File(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return [32]byte(h.Sum(nil))
}

func TestPreserveCrossDevice(t *testing.T) {
	tmp := t.TempDir()
	destParent := filepath.Join(tmp, "logs", "vm")
	src := otherDeviceDir(t, tmp)
	files := []struct {
		name string
		size int64
		mode os.FileMode
	}{
		{"serial.log", 24 << 20, 0o644},
		{"serial.1.log.gz", 300 << 10, 0o640},
		{"ha.stderr.log", 12345, 0o600},
		{"empty.log", 0, 0o644},
	}
	sums := map[string][32]byte{}
	mtime := time.Date(2024, 12, 24, 18, 0, 0, 123456789, time.UTC)
	for i, f := range files {
		p := filepath.Join(src, f.name)
		sums[f.name] = randomFile(t, p, f.size, f.mode, uint64(i))
		setMtime(t, p, mtime)
	}
	writeFile(t, filepath.Join(src, "lima.yaml"), "vmType: qemu\n")

	res, err := Preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}})
	require.NoError(t, err)

	assert.Equal(t, filepath.Join(destParent, setStamp), res.Dir)
	assert.ElementsMatch(t, []string{"serial.log", "serial.1.log.gz", "ha.stderr.log", "empty.log"}, res.Moved)
	assert.Equal(t, []string{"lima.yaml"}, res.Copied)
	for _, f := range files {
		p := filepath.Join(res.Dir, f.name)
		assert.Equal(t, sums[f.name], sha256File(t, p), "byte-identical: %s", f.name)
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, f.mode, fi.Mode().Perm(), "mode kept: %s", f.name)
		assert.True(t, mtime.Equal(fi.ModTime()), "mtime kept: %s", f.name)
		assert.NoFileExists(t, filepath.Join(src, f.name), "source removed")
	}
	assert.Equal(t, []string{"lima.yaml"}, testutil.DirNames(t, src), "lima.yaml copied, not moved")
	assert.ElementsMatch(t, []string{"serial.log", "serial.1.log.gz", "ha.stderr.log", "empty.log", "lima.yaml"},
		testutil.DirNames(t, res.Dir), "no temporary file left")
	for _, d := range []string{res.Dir, destParent, filepath.Dir(destParent)} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}
}

func TestPreserveNoEmptyDirWhenNothingKept(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, src string)
		o     func() ops
	}{
		{"empty instance directory", func(*testing.T, string) {}, realOps},
		{"only lima.yaml and non-logs", func(t *testing.T, src string) {
			writeFile(t, filepath.Join(src, "lima.yaml"), "x")
			writeFile(t, filepath.Join(src, "serial.log.old"), "x")
		}, realOps},
		{"only a symlink and a directory named like logs", func(t *testing.T, src string) {
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(src, "serial.log")))
			require.NoError(t, os.Mkdir(filepath.Join(src, "ha.stderr.log"), 0o755))
		}, realOps},
		{"every move fails", func(t *testing.T, src string) {
			writeFile(t, filepath.Join(src, "serial.log"), "x")
			writeFile(t, filepath.Join(src, "lima.yaml"), "x")
		}, func() ops {
			o := realOps()
			o.renameRegular = func(string, string) error { return syscall.ENOSPC }
			return o
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			tt.setup(t, src)
			before := snapshot(t, src)
			logs := filepath.Join(t.TempDir(), "logs")
			destParent := filepath.Join(logs, "vm")
			res, _ := preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}}, tt.o())
			assert.Equal(t, "", res.Dir)
			assert.Empty(t, res.Moved)
			assert.Empty(t, res.Copied)
			assert.NoDirExists(t, destParent)
			assert.Equal(t, before, snapshot(t, src))
		})
	}
}

func TestPreserveCollisionSuffix(t *testing.T) {
	src := t.TempDir()
	destParent := t.TempDir()
	elsewhere := t.TempDir()
	// Someone else's directory with our name, and a symlink with the next one: both left alone.
	require.NoError(t, os.Mkdir(filepath.Join(destParent, setStamp), 0o755))
	writeFile(t, filepath.Join(destParent, setStamp, "someone-else"), "theirs")
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(destParent, setStamp+".2")))

	for i, want := range []string{setStamp + ".3", setStamp + ".4"} {
		writeFile(t, filepath.Join(src, "serial.log"), fmt.Sprintf("boot %d", i))
		res, err := Preserve(src, destParent, PreserveOptions{Now: setTime})
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(destParent, want), res.Dir)
		assert.Equal(t, fmt.Sprintf("boot %d", i), readFile(t, filepath.Join(res.Dir, "serial.log")))
	}
	assert.Equal(t, map[string]string{"someone-else": "theirs"}, snapshot(t, filepath.Join(destParent, setStamp)))
	assert.Empty(t, testutil.DirNames(t, elsewhere))
}

func TestPreserveCleansLeftovers(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "serial.log"), "current")
	destParent := t.TempDir()
	mk := func(rel, content string) {
		p := filepath.Join(destParent, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		writeFile(t, p, content)
	}
	// A run that crashed while copying its first file: only a temporary file.
	mk("20240101T000000Z/.serial.log.tmp-0123456789abcdef", "partial")
	// A run that crashed while copying its second file: the first one stays.
	mk("20240102T000000Z.2/ha.stderr.log", "kept")
	mk("20240102T000000Z.2/.serial.log.tmp-fedcba9876543210", "partial")
	// Not ours: left alone.
	mk("notes/.serial.log.tmp-0123456789abcdef", "not a set")
	mk("20240101T000000Z.1/.serial.log.tmp-0123456789abcdef", "not a set name (.1)")
	mk("20241399T000000Z/.serial.log.tmp-0123456789abcdef", "not a set name (month 13)")
	mk("20240103T000000Z/.serial.log.tmp-short", "not our pattern")
	require.NoError(t, os.Mkdir(filepath.Join(destParent, "20240104T000000Z"), 0o700)) // empty set

	res, err := Preserve(src, destParent, PreserveOptions{Now: setTime})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"20240101T000000Z/.serial.log.tmp-0123456789abcdef", "20240101T000000Z",
		"20240102T000000Z.2/.serial.log.tmp-fedcba9876543210", "20240104T000000Z",
	}, res.Cleaned)
	assert.Equal(t, []string{"20240101T000000Z.1", "20240102T000000Z.2", "20240103T000000Z", "20241399T000000Z", setStamp, "notes"}, testutil.DirNames(t, destParent))
	assert.Equal(t, map[string]string{"ha.stderr.log": "kept"}, snapshot(t, filepath.Join(destParent, "20240102T000000Z.2")))
	assert.Equal(t, map[string]string{".serial.log.tmp-short": "not our pattern"}, snapshot(t, filepath.Join(destParent, "20240103T000000Z")))
	assert.Equal(t, map[string]string{".serial.log.tmp-0123456789abcdef": "not a set"}, snapshot(t, filepath.Join(destParent, "notes")))
	for _, notSet := range []string{"20240101T000000Z.1", "20241399T000000Z"} {
		assert.Len(t, snapshot(t, filepath.Join(destParent, notSet)), 1, "%s is no set that history lists: left alone", notSet)
	}
	assert.Equal(t, "current", readFile(t, filepath.Join(res.Dir, "serial.log")))
}

func TestPreserveSkipsSymlinksAndCopiesConfig(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret"), "outside content")
	src := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(src, "serial.log")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(src, "lima.yaml")))
	writeFile(t, filepath.Join(src, "ha.stderr.log"), "ha")
	writeFile(t, filepath.Join(src, "serial.2.log.gz"), "gz")

	res, err := Preserve(src, filepath.Join(t.TempDir(), "vm"), PreserveOptions{Now: setTime, Copy: []string{"lima.yaml", "missing.yaml"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"ha.stderr.log", "serial.2.log.gz"}, res.Moved)
	assert.Empty(t, res.Copied)
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, s.Name)
		assert.Contains(t, s.Reason, "symbolic link")
	}
	assert.ElementsMatch(t, []string{"serial.log", "lima.yaml"}, skipped)
	assert.Equal(t, map[string]string{"ha.stderr.log": "ha", "serial.2.log.gz": "gz"}, snapshot(t, res.Dir))
	assert.Equal(t, map[string]string{"secret": "outside content"}, snapshot(t, outside))
	assert.Equal(t, []string{"lima.yaml", "serial.log"}, testutil.DirNames(t, src), "symlinks left in place")
}

func TestPreserveRefusesBadDestParent(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, destParent, elsewhere string)
		errIs error
	}{
		{"symlink to a directory elsewhere", func(t *testing.T, destParent, elsewhere string) {
			require.NoError(t, os.Symlink(elsewhere, destParent))
		}, syscall.ENOTDIR},
		{"a regular file", func(t *testing.T, destParent, _ string) {
			writeFile(t, destParent, "not a dir")
		}, syscall.ENOTDIR},
		{"under a regular file", func(t *testing.T, destParent, _ string) {
			writeFile(t, filepath.Dir(destParent), "not a dir")
		}, syscall.ENOTDIR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			writeFile(t, filepath.Join(src, "serial.log"), "current")
			destParent := filepath.Join(t.TempDir(), "logs", "vm")
			require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Dir(destParent)), 0o700))
			if tt.name != "under a regular file" {
				require.NoError(t, os.Mkdir(filepath.Dir(destParent), 0o700))
			}
			elsewhere := t.TempDir()
			tt.setup(t, destParent, elsewhere)
			res, err := Preserve(src, destParent, PreserveOptions{Now: setTime})
			require.ErrorIs(t, err, tt.errIs)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, err.Error(), filepath.Dir(destParent))
			assert.Equal(t, "", res.Dir)
			assert.Equal(t, map[string]string{"serial.log": "current"}, snapshot(t, src))
			assert.Empty(t, testutil.DirNames(t, elsewhere))
		})
	}
}

func TestPreserveRejectsBadCopyName(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "serial.log"), "current")
	for _, name := range []string{"", ".", "..", "../lima.yaml", "a/b", "x\x00"} {
		_, err := Preserve(src, filepath.Join(t.TempDir(), "vm"), PreserveOptions{Copy: []string{name}})
		require.Error(t, err, "%q", name)
	}
	assert.Equal(t, map[string]string{"serial.log": "current"}, snapshot(t, src))
}

func TestPreserveRefusesDestInsideSrc(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "serial.log"), "current")
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(src, link))
	for _, dest := range []string{src, filepath.Join(src, "_logkeep", "vm"), filepath.Join(src, "."), link} {
		_, err := Preserve(src, dest, PreserveOptions{Now: setTime})
		require.Error(t, err, dest)
		assert.Contains(t, err.Error(), dest)
		assert.Equal(t, map[string]string{"serial.log": "current"}, snapshot(t, src), dest)
	}
}
