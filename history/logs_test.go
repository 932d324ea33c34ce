// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/logfile"
)

func TestWriteLogLastLinesOfALargeFileReadsOnlyItsEnd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "serial.log")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufioWriter(f)
	const lines = 400_000 // about 20 MB
	for i := 1; i <= lines; i++ {
		fmt.Fprintf(w, "line %07d of the console %s\n", i, strings.Repeat("x", 24))
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(20<<20))

	var out bytes.Buffer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	require.NoError(t, WriteLog(&out, File{Path: path}, 3))
	runtime.ReadMemStats(&after)
	want := ""
	for i := lines - 2; i <= lines; i++ {
		want += fmt.Sprintf("line %07d of the console %s\n", i, strings.Repeat("x", 24))
	}
	assert.Equal(t, want, out.String())
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2<<20), "-n must not read the whole file into memory")

	out.Reset()
	require.NoError(t, WriteLog(&out, File{Path: path}, 0))
	assert.Equal(t, fi.Size(), int64(out.Len()), "without -n the whole log")
}

// rotateBoots writes three boots through the real rotation with compression, as
// `--compress` does: generation 1 ends up gzipped, 2 plain, 3 active.
func rotateBoots(t *testing.T, dir string) {
	t.Helper()
	for boot := 1; boot <= 3; boot++ {
		content := fmt.Sprintf("boot %d marker\n%s", boot, strings.Repeat(fmt.Sprintf("boot %d console line\n", boot), 100))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte(content), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.stderr.log"), []byte(fmt.Sprintf("{\"boot\":%d}\n", boot)), 0o644))
		if boot < 3 {
			_, err := logfile.Rotate(dir, logfile.RotateOptions{Names: logNames, MaxBackups: 5, Compress: true})
			require.NoError(t, err)
		}
	}
}

func TestCompressedGenerationsReadTransparently(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", nil)
	rotateBoots(t, dir)
	require.FileExists(t, filepath.Join(dir, "serial.1.log.gz"))
	require.FileExists(t, filepath.Join(dir, "serial.2.log"))

	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	require.Len(t, boots, 3)
	first, ok := boots[0].File("serial")
	require.True(t, ok)
	assert.True(t, first.Compressed)
	assert.Equal(t, "serial.1.log.gz", first.Name)
	assert.Equal(t, 1, boots[0].Generation)
	assert.Equal(t, -2, boots[0].Index)

	var out bytes.Buffer
	require.NoError(t, WriteLog(&out, first, 0))
	assert.True(t, strings.HasPrefix(out.String(), "boot 1 marker\n"))
	assert.Equal(t, 101, strings.Count(out.String(), "\n"))
	out.Reset()
	require.NoError(t, WriteLog(&out, first, 2))
	assert.Equal(t, "boot 1 console line\nboot 1 console line\n", out.String())

	console, err := ChooseConsole(boots[0], []string{"serial", "serialp", "serialv"})
	require.NoError(t, err)
	assert.Equal(t, "serial", console)
}

func TestChooseConsole(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", map[string]string{"serial.log": "", "serialv.log": "vz console", "ha.stderr.log": "x"})
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	got, err := ChooseConsole(boots[0], []string{"serial", "serialp", "serialv"})
	require.NoError(t, err)
	assert.Equal(t, "serialv", got, "the console that has content")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "serialv.log"), nil, 0o644))
	boots, _ = fx.store.Boots("vm")
	got, _ = ChooseConsole(boots[0], []string{"serialv", "serial"})
	assert.Equal(t, "serialv", got, "none has content: the first preferred that exists")

	got, _ = ChooseConsole(Boot{}, []string{"serial"})
	assert.Equal(t, "", got)

	// An empty log compressed is not empty on disk, but has no content.
	empty := filepath.Join(t.TempDir(), "serial.1.log")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	gz := Boot{Files: []File{{Log: "serial", Path: gzipFile(t, empty), Compressed: true, Size: 30}, {Log: "serialv", Path: empty}}}
	gz.Files[1].Size = 0
	got, err = ChooseConsole(gz, []string{"serial", "serialv"})
	require.NoError(t, err)
	assert.Equal(t, "serial", got)
}

// gzipFile compresses path with logfile's own compression (a rotation) and
// returns the path of the ".gz".
func gzipFile(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Rename(path, filepath.Join(dir, "serial.log")))
	for range 2 {
		if _, err := os.Stat(filepath.Join(dir, "serial.log")); os.IsNotExist(err) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("next"), 0o644))
		}
		_, err := logfile.Rotate(dir, logfile.RotateOptions{Names: []string{"serial.log"}, MaxBackups: 5, Compress: true})
		require.NoError(t, err)
	}
	return filepath.Join(dir, "serial.1.log.gz")
}

func TestFollowGoesOnWhenTheLogIsRecreatedAndStopsWhenTold(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", map[string]string{"serial.log": "one\ntwo\nthree\n"})
	var out testutil.Buffer
	stop := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- fx.store.Follow(context.Background(), "vm", "serial", &out, logfile.FollowOptions{
			Lines: 1, Poll: 5 * time.Millisecond,
			StopWhen: func() bool {
				select {
				case <-stop:
					return true
				default:
					return false
				}
			},
		})
	}()
	require.Eventually(t, func() bool { return out.String() == "three\n" }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, os.Remove(filepath.Join(dir, "serial.log")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 2 marker\n"), 0o644))
	require.Eventually(t, func() bool { return out.String() == "three\nboot 2 marker\n" }, 10*time.Second, 5*time.Millisecond)
	close(stop)
	require.NoError(t, <-done)

	err := fx.store.Follow(context.Background(), "ghost", "serial", &out, logfile.FollowOptions{})
	assert.ErrorIs(t, err, ErrNotFound)
	for _, log := range []string{"../x", "..", "serial.log", "lima"} {
		assert.ErrorContains(t, fx.store.Follow(context.Background(), "vm", log, &out, logfile.FollowOptions{}), "is not one of the logs", log)
	}
}

func TestUntilStopped(t *testing.T) {
	states := []bool{true, true, false, false, true, false}
	i := 0
	stopped := func() (bool, error) {
		s := states[i]
		i++
		return s, nil
	}
	until := UntilStopped(stopped, 0)
	var got []bool
	for range 5 {
		got = append(got, until())
	}
	assert.Equal(t, []bool{false, false, false, false, true}, got, "stopped at first: wait for a boot, end when it stops")
	assert.True(t, until(), "stays done")
	assert.Equal(t, 5, i, "not asked again once done")

	errs := UntilStopped(func() (bool, error) { return true, fmt.Errorf("cannot tell") }, 0)
	assert.False(t, errs())

	calls := 0
	slow := UntilStopped(func() (bool, error) { calls++; return false, nil }, time.Hour)
	slow()
	slow()
	assert.Equal(t, 1, calls, "asked at most once per interval")
}
