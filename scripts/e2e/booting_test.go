// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A plain `limactl start` raced by `limactl-logkeep rotate` in a loop and by a
// second `limactl-logkeep start` launched the moment Lima has created the new
// boot's ha.stdout.log (before its host agent wrote ha.pid): the boot is never
// taken for a stopped instance, so its fresh logs are never renamed and Lima's
// start does not hang for 10 minutes waiting for them.
func TestStartRacedByRotateAndASecondStart(t *testing.T) {
	t.Parallel()
	forEachVersion(t, startRacedByRotateAndASecondStart)
}

func startRacedByRotateAndASecondStart(t *testing.T, l *lima) {
	dir := l.create("race")
	path := func(name string) string { return filepath.Join(dir, name) }
	l.must(l.limactl("start", "race"))
	boot1 := marker(t, path("serial.log"))
	l.must(l.limactl("stop", "race"))
	boot1Events, err := os.Lstat(path("ha.stdout.log"))
	require.NoError(t, err)
	fresh := func() bool { // Lima has made the new boot's ha.stdout.log
		fi, err := os.Lstat(path("ha.stdout.log"))
		return err == nil && !os.SameFile(fi, boot1Events)
	}

	var wg sync.WaitGroup
	var second result
	var rotations, renamed int
	began := time.Now()
	wg.Add(1)
	go func() { // the racers
		defer wg.Done()
		for time.Since(began) < time.Minute && !fresh() {
			time.Sleep(time.Millisecond)
		}
		wg.Add(1)
		go func() { defer wg.Done(); second = l.logkeep(nil, "start", "race") }()
		for fresh := time.Now(); time.Since(fresh) < 3*time.Second; time.Sleep(10 * time.Millisecond) {
			r := l.logkeep(nil, "rotate", "race")
			rotations++
			if r.status == 0 {
				renamed++
			}
		}
	}()
	first := l.runWith(&runOpts{until: func() bool { return time.Since(began) > 4*time.Minute }}, nil, l.version.limactl, "start", "race")
	wg.Wait()
	t.Logf("limactl start took %v; %d rotations during the boot, %d of them renamed something", first.took, rotations, renamed)

	require.Equal(t, 0, first.status, "the raced limactl start must succeed, not hang:\n%s", first)
	assert.Less(t, first.took, 3*time.Minute)
	assert.Equal(t, "Running", l.status("race"))
	assert.Equal(t, 0, renamed, "no rotation of the booting instance succeeded")
	assert.NotContains(t, second.stderr, "limactl-logkeep", "the second start went to limactl, which answers (running, or Broken while QEMU starts): %s", second)

	boot2 := marker(t, path("serial.log"))
	assert.NotEqual(t, boot1, boot2)
	events, err := os.ReadFile(path("ha.stdout.log"))
	require.NoError(t, err)
	assert.Contains(t, string(events), `"running":true`, "the boot's events are where Lima reads them")
	for _, name := range generationLogs(t, dir) {
		b, err := os.ReadFile(path(name))
		require.NoError(t, err)
		assert.NotContains(t, string(b), boot2, "%s holds the booting instance's console", name)
	}
	stop := l.limactl("stop", "race")
	assert.Equal(t, 0, stop.status, "%s", stop)
	assert.Less(t, stop.took, time.Minute, "a graceful stop of the raced boot")
}

// generationLogs returns the names of the generation files (NAME.N.log) in dir.
func generationLogs(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") && strings.Count(e.Name(), ".") >= 2 && e.Name() != "ha.stdout.log" && e.Name() != "ha.stderr.log" {
			names = append(names, e.Name())
		}
	}
	return names
}
