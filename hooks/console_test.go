package hooks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// boot returns an onRun that does what `limactl start` does to the console logs:
// removes serial.log and writes a new one (a partial last line included), and
// leaves serialv.log with a line too.
func boot(t *testing.T, dir string) func([]string) {
	return func(args []string) {
		if err := os.Remove(filepath.Join(dir, "serial.log")); !os.IsNotExist(err) {
			require.NoError(t, err, "Lima removes the old log")
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 2 marker\nLinux version 6.1\nlogin: "), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serialv.log"), []byte("hvc0 up\n"), 0o644))
		time.Sleep(3 * consolePoll) // limactl waits for the guest meanwhile
	}
}

func TestStartShowConsoleStreamsTheNewBootPrefixedAndKeepsLimactlsStatus(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1 marker\n"})
	fx.lima.onRun = func(args []string) {
		// Rotated before limactl runs: the old log is kept as generation 1.
		assert.Equal(t, "boot 1 marker\n", readFile(t, filepath.Join(dir, "serial.1.log")))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 2 marker\nlogin: "), 0o644))
	}
	fx.lima.runStatus = 3
	var out bytes.Buffer

	status, err := fx.hooks.Start(context.Background(), startInv("vm", "--timeout", "1m"), StartOptions{ShowConsole: true, ConsoleOut: &out})
	require.NoError(t, err)
	assert.Equal(t, 3, status, "limactl's exit status")
	assert.Equal(t, [][]string{{"start", "vm", "--timeout", "1m"}}, fx.lima.runs, "run, not exec'ed")
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "[vm serial] boot 2 marker\n[vm serial] login: \n", out.String(), "drained after limactl returned")
}

func TestStartShowConsoleWithNoRotateSkipsTheOldBoot(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1 marker\n"})
	fx.lima.onRun = boot(t, dir)
	var out bytes.Buffer

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{NoRotate: true, ShowConsole: true, ConsoleOut: &out})
	require.NoError(t, err)
	assert.NotContains(t, out.String(), "boot 1 marker")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.ElementsMatch(t, []string{"[vm serial] boot 2 marker", "[vm serial] Linux version 6.1", "[vm serial] login: ", "[vm serialv] hvc0 up"}, lines)
	assert.Less(t, strings.Index(out.String(), "boot 2 marker"), strings.Index(out.String(), "Linux version"), "lines of one log keep their order")
}

func TestRestartShowConsole(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "boot 1 marker\n"})
	var out bytes.Buffer
	fx.lima.onRun = func(args []string) {
		if args[0] == "start" {
			boot(t, dir)(args)
		} else {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 1 marker\nreboot: Power down\n"), 0o644))
		}
	}

	status, err := fx.hooks.Restart(context.Background(), restartInv("vm"), StartOptions{ShowConsole: true, ConsoleOut: &out})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"stop", "vm"}, {"start", "vm"}}, fx.lima.runs)
	assert.Contains(t, out.String(), "[vm serial] boot 2 marker\n")
	assert.NotContains(t, out.String(), "Power down", "the stopped boot's log was rotated, not shown")
	assert.Contains(t, readFile(t, filepath.Join(dir, "serial.1.log")), "Power down")
}

func TestStartShowConsoleUnknownTargetExecsLimactl(t *testing.T) {
	fx := newFixture(t)
	status, err := fx.hooks.Start(context.Background(), startInv("-"), StartOptions{ShowConsole: true})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"start", "-"}}, fx.lima.execs)
}

type lineSink struct {
	mu     sync.Mutex
	writes []string
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, string(p))
	return len(p), nil
}

func TestPrefixWriterWritesWholeLinesOnly(t *testing.T) {
	var sink lineSink
	w := &prefixWriter{out: &sink, mu: &sync.Mutex{}, prefix: "[p] "}
	for _, chunk := range []string{"ab", "c\nde", "f\n\ng", "h"} {
		n, err := w.Write([]byte(chunk))
		require.NoError(t, err)
		assert.Equal(t, len(chunk), n)
	}
	w.Flush()
	assert.Equal(t, []string{"[p] abc\n", "[p] def\n", "[p] \n", "[p] gh\n"}, sink.writes)

	sink.writes = nil
	long := strings.Repeat("x", maxLine+10)
	_, err := w.Write([]byte(long))
	require.NoError(t, err)
	require.Len(t, sink.writes, 1, "a huge partial line is not held forever")
	assert.Equal(t, "[p] "+long+"\n", sink.writes[0])
}

func restartInv(args ...string) limaadapter.Invocation {
	return limaadapter.Invocation{Command: "restart", Args: args}
}
