// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"io"
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
	var console consoleRecorder

	status, err := fx.hooks.Start(context.Background(), startInv("vm", "--timeout", "1m"), StartOptions{Console: console.writer})
	require.NoError(t, err)
	assert.Equal(t, 3, status, "limactl's exit status")
	assert.Equal(t, [][]string{{"start", "vm", "--timeout", "1m"}}, fx.lima.runs, "run, not exec'ed")
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "boot 2 marker\nlogin: ", console.text(t, "vm serial"), "drained after limactl returned")
}

func TestStartShowConsoleWithNoRotateSkipsTheOldBoot(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1 marker\n"})
	fx.lima.onRun = boot(t, dir)
	var console consoleRecorder

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{NoRotate: true, Console: console.writer})
	require.NoError(t, err)
	assert.Equal(t, "boot 2 marker\nLinux version 6.1\nlogin: ", console.text(t, "vm serial"), "the new boot whole, the old one skipped")
	assert.Equal(t, "hvc0 up\n", console.text(t, "vm serialv"))
}

func TestRestartShowConsole(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "boot 1 marker\n"})
	var console consoleRecorder
	fx.lima.onRun = func(args []string) {
		if args[0] == "start" {
			boot(t, dir)(args)
		} else {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 1 marker\nreboot: Power down\n"), 0o644))
		}
	}

	status, err := fx.hooks.Restart(context.Background(), restartInv("vm"), StartOptions{Console: console.writer})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"stop", "vm"}, {"start", "vm"}}, fx.lima.runs)
	assert.Equal(t, "boot 2 marker\nLinux version 6.1\nlogin: ", console.text(t, "vm serial"), "the stopped boot's log was rotated, not shown")
	assert.Contains(t, readFile(t, filepath.Join(dir, "serial.1.log")), "Power down")
}

func TestStartShowConsoleUnknownTargetExecsLimactl(t *testing.T) {
	fx := newFixture(t)
	status, err := fx.hooks.Start(context.Background(), startInv("-"), StartOptions{Console: (&consoleRecorder{}).writer})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"start", "-"}}, fx.lima.execs)
}

// consoleRecorder is a ConsoleWriter that keeps what each log of each instance
// was given, and whether its writer was closed.
type consoleRecorder struct {
	mu   sync.Mutex
	logs map[string]*recordedLog // "vm serial"
}

type recordedLog struct {
	rec    *consoleRecorder
	text   strings.Builder
	closed bool
}

func (r *consoleRecorder) writer(instance, log string) io.WriteCloser {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.logs == nil {
		r.logs = map[string]*recordedLog{}
	}
	l := &recordedLog{rec: r}
	r.logs[instance+" "+log] = l
	return l
}

func (l *recordedLog) Write(p []byte) (int, error) {
	l.rec.mu.Lock()
	defer l.rec.mu.Unlock()
	return l.text.Write(p)
}

func (l *recordedLog) Close() error {
	l.rec.mu.Lock()
	defer l.rec.mu.Unlock()
	l.closed = true
	return nil
}

// text returns what the log "instance log" was given, after checking it was closed.
func (r *consoleRecorder) text(t *testing.T, key string) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.logs[key]
	require.True(t, ok, "%s was followed", key)
	assert.True(t, l.closed, "%s was closed", key)
	return l.text.String()
}

func restartInv(args ...string) limaadapter.Invocation {
	return limaadapter.Invocation{Command: "restart", Args: args}
}
