// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// acrossOps returns real ops whose move always fails with EXDEV, so that every file takes the
// cross-filesystem path (copy, fsync, rename, sync, remove) even within one filesystem.
func acrossOps() ops {
	o := realOps()
	o.renameRegular = func(src, dst string) error { return fileErr("move", src, dst, syscall.EXDEV) }
	return o
}

// finalName is the name a path stands for: its base name, or the final name of a temporary file.
func finalName(path string) string {
	if final, ok := IsTempName(filepath.Base(path)); ok {
		return final
	}
	return filepath.Base(path)
}

// makeLogs writes n logs "NN.log" of distinct contents (every third one empty or large) into dir
// and returns name -> content.
func makeLogs(t *testing.T, dir string, n int) map[string]string {
	t.Helper()
	logs := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("%02d.log", i)
		content := fmt.Sprintf("log %d\n", i)
		switch i % 3 {
		case 1:
			content = ""
		case 2:
			content = strings.Repeat(content, 40000)
		}
		writeFile(t, filepath.Join(dir, name), content)
		logs[name] = content
	}
	return logs
}

// TestPreserveAcrossOrder records the steps of a cross-filesystem preservation of more files than
// one group and checks that each source is removed only after its copy was fsynced, renamed into
// place and the set directory fsynced after that rename, and that within a group every copy is
// made before the first fsync (the disk works while the copies go on).
func TestPreserveAcrossOrder(t *testing.T) {
	src := t.TempDir()
	logs := makeLogs(t, src, crossGroup+6)
	destParent := filepath.Join(t.TempDir(), "vm")
	set := filepath.Join(destParent, setStamp)

	var events []string
	o := acrossOps()
	real := realOps()
	o.copyData = func(dst, from *os.File) (int64, error) {
		events = append(events, "copy "+finalName(dst.Name()))
		return real.copyData(dst, from)
	}
	o.fsync = func(f *os.File) error {
		events = append(events, "fsync "+finalName(f.Name()))
		return f.Sync()
	}
	o.rename = func(oldpath, newpath string) error {
		require.Equal(t, finalName(oldpath), filepath.Base(newpath))
		events = append(events, "rename "+filepath.Base(newpath))
		return renameNoReplace(oldpath, newpath)
	}
	o.syncDir = func(dir string) error {
		events = append(events, "syncdir "+dir)
		return syncDir(dir)
	}
	o.remove = func(path string) error {
		events = append(events, "remove "+filepath.Base(path))
		return os.Remove(path)
	}
	res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
	require.NoError(t, err)
	assert.Len(t, res.Moved, len(logs))
	assert.Equal(t, logs, snapshot(t, set), "every log whole under its name, no temporary file")
	assert.Empty(t, testutil.DirNames(t, src))

	at := func(ev string) int {
		i := slices.Index(events, ev)
		require.GreaterOrEqual(t, i, 0, "missing step %q in %q", ev, events)
		return i
	}
	after := func(ev string, from int) int {
		i := slices.Index(events[from+1:], ev)
		require.GreaterOrEqual(t, i, 0, "no %q after step %d in %q", ev, from, events)
		return from + 1 + i
	}
	for name := range logs {
		fsync := at("fsync " + name)
		require.Less(t, at("copy "+name), fsync, name)
		rename := at("rename " + name)
		require.Less(t, fsync, rename, "%s renamed into place before its copy was fsynced", name)
		dirSync := after("syncdir "+set, rename)
		remove := at("remove " + name)
		require.Less(t, dirSync, remove, "%s removed before the set directory was fsynced after its rename", name)
		after("syncdir "+src, remove)
	}
	// Overlap: the first group is copied whole before anything is fsynced.
	firstFsync := slices.IndexFunc(events, func(ev string) bool { return strings.HasPrefix(ev, "fsync ") })
	assert.Equal(t, crossGroup, firstFsync, "copies of the first group before its first fsync")
}

// errCrash is the panic value with which a test stops Preserve dead at a chosen step, as a crash
// would: no cleanup of the batch runs after it.
var errCrash = errors.New("simulated crash")

// TestPreserveAcrossCrashAtEachStep stops a cross-filesystem preservation at each step of the
// batch and checks that every log is whole in its old place or its new one (or both), that no
// partial copy carries a final name, and that the next Preserve finishes the job and cleans up.
func TestPreserveAcrossCrashAtEachStep(t *testing.T) {
	crashOn := func(n int, f func()) func() {
		calls := 0
		return func() {
			if calls++; calls == n {
				f()
				panic(errCrash)
			}
		}
	}
	tests := []struct {
		name  string
		crash func(o *ops)
	}{
		{"in the middle of the second copy", func(o *ops) {
			hit := crashOn(2, func() {})
			o.copyData = func(dst, src *os.File) (int64, error) {
				buf := make([]byte, 100)
				n, _ := src.Read(buf)
				dst.Write(buf[:n]) // a partial copy under the temporary name
				hit()
				return copyData(dst, src)
			}
		}},
		{"after the copies, before any fsync", func(o *ops) {
			hit := crashOn(1, func() {})
			o.fsync = func(f *os.File) error { hit(); return f.Sync() }
		}},
		{"after the fsyncs, before any rename", func(o *ops) {
			hit := crashOn(1, func() {})
			o.rename = func(a, b string) error { hit(); return renameNoReplace(a, b) }
		}},
		{"after half of the renames", func(o *ops) {
			hit := crashOn(4, func() {})
			o.rename = func(a, b string) error { hit(); return renameNoReplace(a, b) }
		}},
		{"after the renames, before the directory fsync", func(o *ops) {
			hit := crashOn(1, func() {})
			o.syncDir = func(dir string) error { hit(); return syncDir(dir) }
		}},
		{"after the directory fsync, before any removal", func(o *ops) {
			hit := crashOn(1, func() {})
			o.remove = func(path string) error { hit(); return os.Remove(path) }
		}},
		{"after some removals", func(o *ops) {
			hit := crashOn(3, func() {})
			o.remove = func(path string) error { hit(); return os.Remove(path) }
		}},
		{"after the removals, before the source directory fsync", func(o *ops) {
			hit := crashOn(2, func() {})
			o.syncDir = func(dir string) error { hit(); return syncDir(dir) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			logs := makeLogs(t, src, 6)
			destParent := filepath.Join(t.TempDir(), "vm")
			o := acrossOps()
			tt.crash(&o)
			func() {
				defer func() { require.Equal(t, errCrash, recover(), "the crash happened") }()
				preserve(src, destParent, PreserveOptions{Now: setTime}, o)
			}()

			set := filepath.Join(destParent, setStamp)
			found := map[string]int{}
			for name, content := range snapshot(t, src) {
				require.Equal(t, logs[name], content, "source %s whole", name)
				found[name]++
			}
			for name, content := range snapshot(t, set) {
				if _, ok := IsTempName(name); ok {
					continue
				}
				require.Equal(t, logs[name], content, "PARTIAL FILE under a final name: %s", name)
				found[name]++
			}
			for name := range logs {
				require.Positive(t, found[name], "%s LOST: neither in %s nor in %s", name, src, set)
			}

			_, err := Preserve(src, destParent, PreserveOptions{Now: setTime})
			require.NoError(t, err)
			assert.Empty(t, testutil.DirNames(t, src), "every log moved by the next run")
			kept := map[string]string{}
			for _, s := range testutil.DirNames(t, destParent) {
				for name, content := range snapshot(t, filepath.Join(destParent, s)) {
					_, isTemp := IsTempName(name)
					require.False(t, isTemp, "temporary file %s/%s left after the next run", s, name)
					require.Equal(t, logs[name], content, name)
					kept[name] = content
				}
			}
			assert.Equal(t, logs, kept)
		})
	}
}

// TestPreserveAcrossFaultPerFile injects a different failure into each step for one file each:
// every failed file stays whole in its place with an error naming it and the step, its temporary
// file is gone, and the other files are moved.
func TestPreserveAcrossFaultPerFile(t *testing.T) {
	src := t.TempDir()
	logs := map[string]string{}
	for _, name := range []string{"a.log", "b.log", "c.log", "d.log", "e.log"} {
		logs[name] = "content of " + name
		writeFile(t, filepath.Join(src, name), logs[name])
	}
	destParent := filepath.Join(t.TempDir(), "vm")
	set := filepath.Join(destParent, setStamp)
	o := acrossOps()
	o.copyData = func(dst, from *os.File) (int64, error) {
		if finalName(dst.Name()) == "a.log" {
			dst.WriteString("cont") // a partial copy, then the disk is full
			return 4, syscall.ENOSPC
		}
		return copyData(dst, from)
	}
	o.fsync = func(f *os.File) error {
		if finalName(f.Name()) == "b.log" {
			return syscall.EIO
		}
		return f.Sync()
	}
	o.rename = func(oldpath, newpath string) error {
		if filepath.Base(newpath) == "c.log" {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EEXIST}
		}
		return renameNoReplace(oldpath, newpath)
	}
	o.remove = func(path string) error {
		if filepath.Base(path) == "d.log" {
			return &fs.PathError{Op: "remove", Path: path, Err: syscall.EACCES}
		}
		return os.Remove(path)
	}
	res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
	require.Error(t, err)
	assert.Equal(t, []string{"e.log"}, res.Moved)
	assert.Equal(t, set, res.Dir)

	var joined interface{ Unwrap() []error }
	require.ErrorAs(t, err, &joined)
	want := []struct {
		name  string
		errno error
		step  string
	}{
		{"a.log", syscall.ENOSPC, "copying"},
		{"b.log", syscall.EIO, "syncing the copy"},
		{"c.log", fs.ErrExist, "renaming the copy"},
		{"d.log", fs.ErrPermission, "remove after copying"},
	}
	require.Len(t, joined.Unwrap(), len(want))
	for i, w := range want {
		var fe *FileError
		require.ErrorAs(t, joined.Unwrap()[i], &fe)
		assert.Equal(t, filepath.Join(src, w.name), fe.Path)
		assert.ErrorIs(t, fe, w.errno, w.name)
		assert.Contains(t, fe.Error(), w.step, w.name)
	}
	assert.Equal(t, map[string]string{"a.log": logs["a.log"], "b.log": logs["b.log"], "c.log": logs["c.log"],
		"d.log": logs["d.log"]}, snapshot(t, src), "failed files whole in place")
	assert.Equal(t, map[string]string{"d.log": logs["d.log"], "e.log": logs["e.log"]}, snapshot(t, set),
		"the copy of d.log is complete (its source could not be removed), no temporary file left")
}

// TestPreserveAcrossDirSyncFailure: when the set directory cannot be fsynced the sources are all
// kept (each file is then in both places); when the source directory cannot, the logs are moved
// and one error names that directory.
func TestPreserveAcrossDirSyncFailure(t *testing.T) {
	for _, failing := range []string{"set", "source"} {
		t.Run(failing, func(t *testing.T) {
			src := t.TempDir()
			logs := makeLogs(t, src, 4)
			destParent := filepath.Join(t.TempDir(), "vm")
			set := filepath.Join(destParent, setStamp)
			bad := map[string]string{"set": set, "source": src}[failing]
			o := acrossOps()
			o.syncDir = func(dir string) error {
				if dir == bad {
					return &fs.PathError{Op: "sync", Path: dir, Err: syscall.EIO}
				}
				return syncDir(dir)
			}
			res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
			require.ErrorIs(t, err, syscall.EIO)
			assert.Contains(t, err.Error(), bad)
			assert.Equal(t, set, res.Dir)
			assert.Equal(t, logs, snapshot(t, set), "every copy whole in the set")
			if failing == "set" {
				assert.Empty(t, res.Moved)
				assert.Equal(t, logs, snapshot(t, src), "no source removed before its copy is durable")
				var joined interface{ Unwrap() []error }
				require.ErrorAs(t, err, &joined)
				assert.Len(t, joined.Unwrap(), len(logs), "one error per file")
				return
			}
			assert.Len(t, res.Moved, len(logs))
			assert.Empty(t, testutil.DirNames(t, src))
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, src, fe.Path)
		})
	}
}

// TestMoveFileAcrossCrashBeforeRemoval: MoveFile of a single file goes through the same steps; a
// crash between the directory fsync and the removal leaves the file whole in both places.
func TestMoveFileAcrossCrashBeforeRemoval(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(src, "serial.log"), "boot")
	o := realOps()
	o.remove = func(string) error { panic(errCrash) }
	// moveFile renames first; on one filesystem that succeeds, so make it look like two.
	require.NoError(t, os.Remove(filepath.Join(src, "serial.log")))
	shm := otherDeviceDir(t, dst)
	writeFile(t, filepath.Join(shm, "serial.log"), "boot")
	func() {
		defer func() { require.Equal(t, errCrash, recover()) }()
		moveFile(filepath.Join(shm, "serial.log"), filepath.Join(dst, "serial.log"), o)
	}()
	assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, shm))
	assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, dst))
}
