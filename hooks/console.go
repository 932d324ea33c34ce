// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"io"
	"path/filepath"
	"sync"
	"time"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// consolePoll is how often the console logs are checked for new output while
// limactl starts an instance.
const consolePoll = 100 * time.Millisecond

// ConsoleWriter returns where the output Lima writes to one serial console log
// (short name: "serial", "serialv") of instance goes while limactl boots it. The
// writer is closed once limactl has returned and the log has been drained.
type ConsoleWriter func(instance, log string) io.WriteCloser

// runFollowingConsole runs limactl with args through Lima.Run (standard streams
// passed through, signals relayed) while the serial console logs of instance name
// are copied to console. Only output written from now on is copied: a log left by
// an earlier boot is skipped, and the new one that Lima creates at start is copied
// whole. When limactl returns, the logs are drained one last time and following
// stops; the status is limactl's.
func (h Hooks) runFollowingConsole(ctx context.Context, name string, console ConsoleWriter, args []string) (int, error) {
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return 1, err
	}
	follow, stop := context.WithCancel(context.Background())
	defer stop()
	var wg, ready sync.WaitGroup
	for _, file := range limaadapter.ConsoleLogs(dir) {
		w := console(name, limaadapter.LogBase(file))
		path := filepath.Join(dir, file)
		wg.Add(1)
		ready.Add(1)
		var once sync.Once
		started := func() bool { once.Do(ready.Done); return false }
		go func() {
			defer wg.Done()
			defer once.Do(ready.Done) // also when Follow fails before its first poll
			if err := logfile.Follow(follow, path, w, logfile.FollowOptions{Poll: consolePoll, StopWhen: started, SkipExisting: true}); err != nil {
				h.Log.Warnf("Stopped showing the console log %s: %v", path, err)
			}
			if err := w.Close(); err != nil {
				h.Log.Warnf("Stopped showing the console log %s: %v", path, err)
			}
		}()
	}
	ready.Wait() // every follower has skipped what is there now: the new boot's output will be seen
	status, err := h.Lima.Run(ctx, args...)
	stop()
	wg.Wait()
	return status, err
}
