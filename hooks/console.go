package hooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// consolePoll is how often the console logs are checked for new output while
// limactl starts an instance.
const consolePoll = 100 * time.Millisecond

// runShowingConsole runs limactl with args through Lima.Run (standard streams
// passed through, signals relayed) while the serial console logs of instance name
// are streamed to out (os.Stderr when nil), each line prefixed "[<name> <log>] ".
// Only output written from now on is shown: a log left by an earlier boot is
// skipped, and the new one that Lima creates at start is shown whole. When limactl
// returns, the logs are drained one last time and streaming stops; the status is
// limactl's.
func (h Hooks) runShowingConsole(ctx context.Context, name string, out io.Writer, args []string) (int, error) {
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return 1, err
	}
	if out == nil {
		out = os.Stderr
	}
	follow, stop := context.WithCancel(context.Background())
	defer stop()
	var wg, ready sync.WaitGroup
	var mu sync.Mutex // one whole line at a time on out
	for _, file := range limaadapter.ConsoleLogs(dir) {
		pw := &prefixWriter{out: out, mu: &mu, prefix: fmt.Sprintf("[%s %s] ", name, limaadapter.LogBase(file))}
		path := filepath.Join(dir, file)
		wg.Add(1)
		ready.Add(1)
		var once sync.Once
		started := func() bool { once.Do(ready.Done); return false }
		go func() {
			defer wg.Done()
			defer once.Do(ready.Done) // also when Follow fails before its first poll
			if err := logfile.Follow(follow, path, pw, logfile.FollowOptions{Poll: consolePoll, StopWhen: started, SkipExisting: true}); err != nil {
				h.Log.Warnf("Stopped showing the console log %s: %v", path, err)
			}
			pw.Flush()
		}()
	}
	ready.Wait() // every follower has skipped what is there now: the new boot's output will be seen
	status, err := h.Lima.Run(ctx, args...)
	stop()
	wg.Wait()
	return status, err
}

// maxLine is the longest partial line prefixWriter holds before writing it out.
const maxLine = 64 << 10

// prefixWriter writes each line it is given to out with a prefix, whole lines
// only, holding a partial line until it ends, grows past maxLine or Flush.
type prefixWriter struct {
	out     io.Writer
	mu      *sync.Mutex
	prefix  string
	partial []byte
}

// Write writes every complete line of p (and what was held before it).
func (w *prefixWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 && len(w.partial) < maxLine {
			return len(p), nil
		}
		line := w.partial
		if i >= 0 {
			line = w.partial[:i+1]
		} else {
			line = append(line, '\n')
		}
		if err := w.writeLine(line); err != nil {
			return 0, err
		}
		if i < 0 {
			w.partial = w.partial[:0]
			return len(p), nil
		}
		w.partial = append(w.partial[:0], w.partial[i+1:]...)
	}
}

// Flush writes a held partial line, ending it with a newline.
func (w *prefixWriter) Flush() {
	if len(w.partial) > 0 {
		_ = w.writeLine(append(w.partial, '\n'))
		w.partial = w.partial[:0]
	}
}

func (w *prefixWriter) writeLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.out.Write(append([]byte(w.prefix), line...))
	return err
}
