// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

var limaLogs = []string{"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log"}

// The premature-pruning bug of the original implementation: a start without an active log pruned
// one backup each time.
func TestRotateBackupsButNoActiveLogPrunesNothing(t *testing.T) {
	tests := []struct {
		name string
		opts RotateOptions
	}{
		{"max 5", RotateOptions{Names: limaLogs, MaxBackups: 5}},
		{"max 1 with compression", RotateOptions{Names: limaLogs, MaxBackups: 1, Compress: true}},
		{"keep all", RotateOptions{Names: limaLogs, KeepAll: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for n := 1; n <= 7; n++ {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("serial.%d.log", n)), fmt.Sprintf("boot %d", n))
				writeFile(t, filepath.Join(dir, fmt.Sprintf("ha.stderr.%d.log", n)), fmt.Sprintf("ha %d", n))
			}
			writeFile(t, filepath.Join(dir, ".serial.1.log.gz.tmp-0123456789abcdef"), "partial")
			before := snapshot(t, dir)
			for range 3 { // several starts in a row without an active log
				res, err := Rotate(dir, tt.opts)
				require.NoError(t, err)
				assert.Equal(t, RotateResult{}, res)
			}
			assert.Equal(t, before, snapshot(t, dir))
		})
	}
}

// A stat error other than "does not exist" must abort before anything is renamed (the original
// ignored it and the log was then overwritten by the VM start).
func TestRotateStatErrorAbortsBeforeRenaming(t *testing.T) {
	t.Run("EACCES on a directory without search permission", func(t *testing.T) {
		testutil.RequireNonRoot(t)
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "serial.log"), "boot 2")
		writeFile(t, filepath.Join(dir, "serial.1.log"), "boot 1")
		writeFile(t, filepath.Join(dir, "ha.stderr.log"), "ha 2")
		before := snapshot(t, dir)
		require.NoError(t, os.Chmod(dir, 0o600)) // read and write, no search
		t.Cleanup(func() { os.Chmod(dir, 0o700) })

		res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5})

		require.NoError(t, os.Chmod(dir, 0o700))
		require.Error(t, err)
		assert.ErrorIs(t, err, fs.ErrPermission)
		var fe *FileError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "stat", fe.Op)
		assert.Equal(t, filepath.Join(dir, "serial.log"), fe.Path)
		assert.Contains(t, err.Error(), filepath.Join(dir, "serial.log"))
		assert.Empty(t, res.Renamed)
		assert.Equal(t, before, snapshot(t, dir))
	})
	t.Run("injected EIO on a later file after an earlier one exists", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "serial.log"), "boot 2")
		writeFile(t, filepath.Join(dir, "ha.stderr.log"), "ha 2")
		before := snapshot(t, dir)

		res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5}, failLstat("ha.stderr.log", syscall.EIO))

		require.ErrorIs(t, err, syscall.EIO)
		var fe *FileError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, filepath.Join(dir, "ha.stderr.log"), fe.Path)
		assert.Equal(t, 0, res.Generation)
		assert.Empty(t, res.Renamed)
		assert.Equal(t, before, snapshot(t, dir), "serial.log, stat'ed fine, must not have been renamed")
	})
}

func TestRotateRetention(t *testing.T) {
	tests := []struct {
		name     string
		opts     RotateOptions
		wantKept []int
	}{
		{"7 rotations keep the newest 5", RotateOptions{Names: limaLogs, MaxBackups: 5}, []int{3, 4, 5, 6, 7}},
		{"keep all keeps 7", RotateOptions{Names: limaLogs, KeepAll: true}, []int{1, 2, 3, 4, 5, 6, 7}},
		{"max 1", RotateOptions{Names: limaLogs, MaxBackups: 1}, []int{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "lima.yaml"), "vmType: qemu")
			for boot := 1; boot <= 7; boot++ {
				writeFile(t, filepath.Join(dir, "serial.log"), fmt.Sprintf("serial of boot %d\n", boot))
				writeFile(t, filepath.Join(dir, "ha.stderr.log"), fmt.Sprintf("ha of boot %d\n", boot))
				res, err := Rotate(dir, tt.opts)
				require.NoError(t, err)
				require.Equal(t, boot, res.Generation)
				require.Equal(t, []string{"serial.log", "ha.stderr.log"}, res.Renamed)
			}
			want := map[string]string{"lima.yaml": "vmType: qemu"}
			for _, n := range tt.wantKept {
				want[fmt.Sprintf("serial.%d.log", n)] = fmt.Sprintf("serial of boot %d\n", n)
				want[fmt.Sprintf("ha.stderr.%d.log", n)] = fmt.Sprintf("ha of boot %d\n", n)
			}
			assert.Equal(t, want, snapshot(t, dir))

			gens, err := ListGenerations(dir, limaLogs)
			require.NoError(t, err)
			var ns []int
			for _, g := range gens {
				ns = append(ns, g.N)
				require.Len(t, g.Files, 2)
				assert.Equal(t, fmt.Sprintf("serial.%d.log", g.N), g.Files[0].Name)
				assert.Equal(t, fmt.Sprintf("ha.stderr.%d.log", g.N), g.Files[1].Name)
			}
			assert.Equal(t, tt.wantKept, ns)
		})
	}
}

func TestRotateSameGenerationForAllFiles(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		active   []string
		wantN    int
	}{
		{"fresh directory", nil, limaLogs, 1},
		{"numbering follows the highest N of any log",
			[]string{"serial.2.log", "ha.stderr.4.log"}, []string{"serial.log", "serialv.log", "ha.stdout.log", "ha.stderr.log"}, 5},
		{"a name not rotated still counts", []string{"serial.1.log", "other.9.log"}, []string{"serial.log", "ha.stderr.log"}, 10},
		{"compressed generations count", []string{"serial.6.log.gz"}, []string{"serial.log", "driver.stderr.log"}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.existing {
				writeFile(t, filepath.Join(dir, f), "old "+f)
			}
			for _, f := range tt.active {
				writeFile(t, filepath.Join(dir, f), "current "+f)
			}
			res, err := Rotate(dir, RotateOptions{Names: limaLogs, KeepAll: true})
			require.NoError(t, err)
			assert.Equal(t, tt.wantN, res.Generation)
			assert.ElementsMatch(t, tt.active, res.Renamed)
			for _, f := range tt.active {
				base, _ := ActiveBase(f)
				gen := filepath.Join(dir, GenerationName{Base: base, N: tt.wantN}.String())
				assert.Equal(t, "current "+f, readFile(t, gen))
				assert.NoFileExists(t, filepath.Join(dir, f))
			}
			for _, f := range tt.existing {
				assert.Equal(t, "old "+f, readFile(t, filepath.Join(dir, f)))
			}
		})
	}
}

func TestRotateSkipsSymlink(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	oldTarget := filepath.Join(outside, "old")
	writeFile(t, secret, "outside content")
	writeFile(t, oldTarget, "old outside content")
	outsideBefore := snapshot(t, outside)

	dir := t.TempDir()
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "serial.log")))
	require.NoError(t, os.Symlink(oldTarget, filepath.Join(dir, "serial.1.log"))) // would be pruned if regular
	mkfifo(t, filepath.Join(dir, "serialv.log"))
	writeFile(t, filepath.Join(dir, "ha.stderr.log"), "ha 2")
	writeFile(t, filepath.Join(dir, "ha.stderr.1.log"), "ha 1")

	res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 1, Compress: true})
	require.NoError(t, err)

	assert.Equal(t, 2, res.Generation)
	assert.Equal(t, []string{"ha.stderr.log"}, res.Renamed)
	assert.Equal(t, []string{"ha.stderr.1.log"}, res.Pruned)
	require.Len(t, res.Skipped, 3, "each file reported once: %v", res.Skipped)
	skipped := map[string]string{}
	for _, s := range res.Skipped {
		skipped[s.Name] = s.Reason
	}
	assert.Contains(t, skipped["serial.log"], "symbolic link")
	assert.Contains(t, skipped["serialv.log"], "named pipe")
	assert.Contains(t, skipped["serial.1.log"], "symbolic link")
	assert.Equal(t, map[string]string{
		"serial.log":      "-> " + secret,
		"serial.1.log":    "-> " + oldTarget,
		"serialv.log":     "<named pipe>",
		"ha.stderr.2.log": "ha 2",
	}, snapshot(t, dir))
	assert.Equal(t, outsideBefore, snapshot(t, outside), "files outside are untouched")
}

func TestRotateRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts RotateOptions
	}{
		{"MaxBackups 0", RotateOptions{Names: limaLogs}},
		{"MaxBackups negative", RotateOptions{Names: limaLogs, MaxBackups: -1}},
		{"name without .log", RotateOptions{Names: []string{"serial"}, MaxBackups: 5}},
		{"name with slash", RotateOptions{Names: []string{"../serial.log"}, MaxBackups: 5}},
		{"empty base", RotateOptions{Names: []string{".log"}, MaxBackups: 5}},
		{"generation-like name", RotateOptions{Names: []string{"serial.log", "serial.1.log"}, MaxBackups: 5}},
		{"duplicate", RotateOptions{Names: []string{"serial.log", "serial.log"}, MaxBackups: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "serial.log"), "current")
			writeFile(t, filepath.Join(dir, "serial.1.log"), "boot 1")
			before := snapshot(t, dir)
			_, err := Rotate(dir, tt.opts)
			require.Error(t, err)
			assert.Equal(t, before, snapshot(t, dir))
		})
	}
}

func TestRotatePruneNeverTouchesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	others := []string{"other.1.log", "lima.yaml", "serial.1.log.bak", "serial.x.log", "serial.01.log",
		"serial.1.log.gz.tmp", "ha.pid", "basedisk"}
	for _, f := range others {
		writeFile(t, filepath.Join(dir, f), "other "+f)
	}
	for n := 1; n <= 3; n++ {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("serial.%d.log", n)), "old")
	}
	writeFile(t, filepath.Join(dir, "serial.2.log.gz"), "old compressed")
	writeFile(t, filepath.Join(dir, "serial.log"), "current")

	res, err := Rotate(dir, RotateOptions{Names: []string{"serial.log"}, MaxBackups: 1})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Generation)
	assert.ElementsMatch(t, []string{"serial.1.log", "serial.2.log", "serial.2.log.gz", "serial.3.log"}, res.Pruned)
	want := map[string]string{"serial.4.log": "current"}
	for _, f := range others {
		want[f] = "other " + f
	}
	assert.Equal(t, want, snapshot(t, dir))
}

func TestRotateRenameFailureReportedAndNothingPruned(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "current serial")
	writeFile(t, filepath.Join(dir, "ha.stderr.log"), "current ha")
	writeFile(t, filepath.Join(dir, "serial.1.log"), "boot 1")
	o := realOps()
	o.rename = func(oldpath, newpath string) error {
		if filepath.Base(oldpath) == "serial.log" {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EROFS}
		}
		return renameNoReplace(oldpath, newpath)
	}

	res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 1}, o)

	require.ErrorIs(t, err, syscall.EROFS)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, filepath.Join(dir, "serial.log"), fe.Path)
	assert.Equal(t, filepath.Join(dir, "serial.2.log"), fe.Dest)
	assert.Equal(t, 2, res.Generation)
	assert.Equal(t, []string{"ha.stderr.log"}, res.Renamed, "the other log is still rotated")
	assert.Empty(t, res.Pruned)
	assert.Equal(t, map[string]string{
		"serial.log": "current serial", "ha.stderr.2.log": "current ha", "serial.1.log": "boot 1",
	}, snapshot(t, dir))
}

func TestRotateFileVanishingBeforeRenameIsSkipped(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "current serial")
	writeFile(t, filepath.Join(dir, "ha.stderr.log"), "current ha")
	o := realOps()
	o.rename = func(oldpath, newpath string) error {
		if filepath.Base(oldpath) == "ha.stderr.log" {
			require.NoError(t, os.Remove(oldpath)) // removed by someone between stat and rename
		}
		return renameNoReplace(oldpath, newpath)
	}
	res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5}, o)
	require.NoError(t, err)
	assert.Equal(t, []string{"serial.log"}, res.Renamed)
	require.Len(t, res.Skipped, 1)
	assert.Equal(t, "ha.stderr.log", res.Skipped[0].Name)
	assert.Equal(t, map[string]string{"serial.1.log": "current serial"}, snapshot(t, dir))
}

func TestRotateAtMaxGenerationRenamesNothing(t *testing.T) {
	dir := t.TempDir()
	huge := "x." + strconv.Itoa(MaxGeneration) + ".log"
	writeFile(t, filepath.Join(dir, huge), "hostile")
	writeFile(t, filepath.Join(dir, "serial.log"), "current")
	before := snapshot(t, dir)
	_, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5})
	require.ErrorIs(t, err, errGenerationOverflow)
	assert.Equal(t, before, snapshot(t, dir))
}

func TestRotateNeverRenamesOverExistingFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "current")
	o := realOps()
	o.rename = func(oldpath, newpath string) error {
		writeFile(t, newpath, "appeared meanwhile") // a racer creates the target
		return renameNoReplace(oldpath, newpath)
	}
	_, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5}, o)
	require.ErrorIs(t, err, fs.ErrExist)
	assert.Equal(t, map[string]string{"serial.log": "current", "serial.1.log": "appeared meanwhile"}, snapshot(t, dir))
}

func TestListGenerations(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"serial.log", "ha.stderr.log", "serial.2.log.gz", "ha.stderr.2.log",
		"serial.10.log", "serial.3.log", "serial.3.log.gz", "other.5.log", "lima.yaml"} {
		writeFile(t, filepath.Join(dir, f), f)
	}
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "serialv.log")))
	gens, err := ListGenerations(dir, limaLogs)
	require.NoError(t, err)
	type g struct {
		N     int
		Files []string
	}
	var got []g
	for _, gen := range gens {
		var files []string
		for _, f := range gen.Files {
			files = append(files, f.Name)
			assert.Equal(t, int64(len(f.Name)), f.Size)
			assert.False(t, f.ModTime.IsZero())
			assert.Equal(t, strings.HasSuffix(f.Name, ".gz"), f.Compressed, f.Name)
		}
		got = append(got, g{gen.N, files})
	}
	assert.Equal(t, []g{
		{2, []string{"serial.2.log.gz", "ha.stderr.2.log"}},
		{3, []string{"serial.3.log", "serial.3.log.gz"}},
		{10, []string{"serial.10.log"}},
		{0, []string{"serial.log", "ha.stderr.log"}},
	}, got)

	empty, err := ListGenerations(t.TempDir(), limaLogs)
	require.NoError(t, err)
	assert.Empty(t, empty)
	_, err = ListGenerations(dir, []string{"bad"})
	require.Error(t, err)
}

// A failure after every active log was renamed (here pruning cannot remove an old generation) wraps
// ErrHousekeeping: the logs are safe as the new generation, so a caller may go on. A rename
// failure never does.
func TestRotateFailureAfterRenamesIsHousekeeping(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "boot 2")
	writeFile(t, filepath.Join(dir, "serial.1.log"), "boot 1")
	o := realOps()
	o.remove = func(path string) error {
		if filepath.Base(path) == "serial.1.log" {
			return &fs.PathError{Op: "remove", Path: path, Err: syscall.EIO}
		}
		return os.Remove(path)
	}
	res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 1}, o)
	require.ErrorIs(t, err, ErrHousekeeping)
	assert.ErrorIs(t, err, syscall.EIO)
	assert.Contains(t, err.Error(), "serial.1.log")
	assert.Equal(t, 2, res.Generation)
	assert.Equal(t, "boot 2", readFile(t, filepath.Join(dir, "serial.2.log")))
	assert.Equal(t, "boot 1", readFile(t, filepath.Join(dir, "serial.1.log")))

	writeFile(t, filepath.Join(dir, "serial.log"), "boot 3")
	o = realOps()
	o.rename = func(string, string) error { return syscall.EIO }
	_, err = rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 1}, o)
	require.ErrorIs(t, err, syscall.EIO)
	assert.NotErrorIs(t, err, ErrHousekeeping)
}

// A log of LeaveEmpty that is empty is left in place (a new run may have just created it and be
// about to write it by name); the same name with content, and an empty log not listed, are renamed.
func TestRotateLeavesEmptyFreshLogsInPlace(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ha.stdout.log"), "")
	writeFile(t, filepath.Join(dir, "ha.stderr.log"), "last boot")
	writeFile(t, filepath.Join(dir, "serialv.log"), "")
	res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, LeaveEmpty: []string{"ha.stdout.log", "ha.stderr.log"}})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Generation)
	assert.ElementsMatch(t, []string{"ha.stderr.log", "serialv.log"}, res.Renamed)
	assert.Empty(t, res.Skipped)
	assert.FileExists(t, filepath.Join(dir, "ha.stdout.log"))
	assert.NoFileExists(t, filepath.Join(dir, "ha.stdout.1.log"))
	assert.Equal(t, "last boot", readFile(t, filepath.Join(dir, "ha.stderr.1.log")))

	res, err = Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, LeaveEmpty: []string{"ha.stdout.log"}})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Generation, "only an empty fresh log: no generation")
	assert.FileExists(t, filepath.Join(dir, "ha.stdout.log"))
}

// A name numbered above MaxGeneration (math.MaxInt here) is not a generation:
// rotation numbers past the real ones and leaves it alone, and ListGenerations
// neither lists it nor puts it after the active set.
func TestRotateAndListIgnoreNumbersAboveMaxGeneration(t *testing.T) {
	dir := t.TempDir()
	huge := "serial." + strconv.Itoa(math.MaxInt) + ".log"
	writeFile(t, filepath.Join(dir, huge), "hostile")
	writeFile(t, filepath.Join(dir, "serial.1.log"), "boot 1")
	writeFile(t, filepath.Join(dir, "serial.log"), "boot 2")
	res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 1})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Generation)
	assert.Equal(t, map[string]string{huge: "hostile", "serial.2.log": "boot 2"}, snapshot(t, dir))

	writeFile(t, filepath.Join(dir, "serial.log"), "boot 3")
	maxName := "serial." + strconv.Itoa(MaxGeneration) + ".log"
	writeFile(t, filepath.Join(dir, maxName), "the highest generation there can be")
	gens, err := ListGenerations(dir, limaLogs)
	require.NoError(t, err)
	var ns []int
	for _, g := range gens {
		ns = append(ns, g.N)
	}
	assert.Equal(t, []int{2, MaxGeneration, 0}, ns, "oldest first, the active set last")
}

// Once InUse says a new run has begun, no more logs are renamed: the ones left are the new run's.
func TestRotateStopsOnceTheLogsAreInUse(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"serial.log", "ha.stdout.log", "ha.stderr.log"} {
		writeFile(t, filepath.Join(dir, name), name)
	}
	asked := 0
	res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, InUse: func() bool { asked++; return asked > 1 }})
	require.NoError(t, err)
	assert.True(t, res.InUse)
	assert.Equal(t, 1, res.Generation)
	assert.Equal(t, []string{"serial.log"}, res.Renamed)
	assert.Equal(t, map[string]string{"serial.1.log": "serial.log", "ha.stdout.log": "ha.stdout.log", "ha.stderr.log": "ha.stderr.log"}, snapshot(t, dir))
}
