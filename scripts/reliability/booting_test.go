// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const bootRaceTrials = 120

// TestRotateOrStartDuringABoot races `limactl-logkeep rotate vm` or `start vm` against a simulated
// `limactl start vm` that does to the files what Lima v1.2.1 and v2.2.0 do (pkg/instance/start.go):
// remove ha.stdout.log and ha.stderr.log, create them empty and hand them to the host agent, which
// writes ha.pid a few milliseconds later and then its events; the QEMU driver then replaces
// serial.log. logkeep starts at a random moment of that sequence. A log of the booting instance
// renamed into a generation is counted as lost (Lima's start would wait 10 minutes for it), and so
// is a previous boot's log that logkeep took and then lost.
func TestRotateOrStartDuringABoot(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, fmt.Sprintf("3 rotate or start during a boot: %d trials", bootRaceTrials))
	defer func() { ta.done("simulated Lima start; logkeep begins before, during or after its first steps") }()
	rng := newRNG(t)
	sb := newSandbox(t, "")
	sb.fake.status(t, "vm", "Running") // what limactl says while the host agent runs and QEMU not yet
	dir := sb.instance(t, "vm", nil)
	previous := writeBoot(t, dir, 0)
	for i := 1; i <= bootRaceTrials; i++ {
		tr := &trial{}
		args := []string{"rotate", "vm"}
		if i%2 == 0 {
			args = []string{"start", "vm"}
		}
		delay := time.Duration(rng.IntN(30_000)) * time.Microsecond
		var wg sync.WaitGroup
		var r result
		var err error
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err = sb.runE(bin, []string{"RDD_KEEP_LOGS=1"}, args...)
		}()
		time.Sleep(delay) // logkeep starts in some 5-15 ms: before, during or after the start's first steps
		agent := simulateStart(t, dir, i, time.Duration(rng.IntN(20))*time.Millisecond, time.Duration(5+rng.IntN(10))*time.Millisecond)
		wg.Wait()
		if err != nil {
			tr.fail("%v", err)
		} else if r.status != 0 && !strings.Contains(r.stderr, "instance is running") {
			tr.fail("%q exited %d: %s", args, r.status, r.stderr)
		}
		checkBootRace(t, tr, dir, i, i-1, previous)
		agent.stop(t)
		previous = agent.logs
		ta.add(fmt.Sprintf("%d (%s after %v)", i, args[0], delay), tr)
	}
}

// hostAgent is the simulated host agent of one boot: the files Lima handed it, still open.
type hostAgent struct {
	dir    string
	stdout *os.File
	logs   map[string]string // log name -> the content this boot wrote
}

// writeBoot writes the logs of a finished boot whose host agent has exited, and returns them.
func writeBoot(t *testing.T, dir string, boot int) map[string]string {
	logs := map[string]string{}
	for _, name := range []string{"serial.log", "ha.stdout.log", "ha.stderr.log"} {
		logs[name] = fmt.Sprintf("boot %d %s\n", boot, name)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(logs[name]), 0o644))
	}
	return logs
}

// simulateStart does what Lima's start and host agent do to the files of boot, with the host
// agent writing ha.pid pidDelay after the logs were created and its first lines writeDelay after
// that (Lima's host agent writes ha.pid first, then sets up before it logs and sends its first
// event), and returns the running host agent.
func simulateStart(t *testing.T, dir string, boot int, pidDelay, writeDelay time.Duration) *hostAgent {
	path := func(name string) string { return filepath.Join(dir, name) }
	require.NoError(t, os.RemoveAll(path("ha.stdout.log")))
	require.NoError(t, os.RemoveAll(path("ha.stderr.log")))
	stdout, err := os.Create(path("ha.stdout.log"))
	require.NoError(t, err)
	stderr, err := os.Create(path("ha.stderr.log"))
	require.NoError(t, err)
	time.Sleep(pidDelay)
	require.NoError(t, os.WriteFile(path("ha.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	time.Sleep(writeDelay)
	a := &hostAgent{dir: dir, stdout: stdout, logs: map[string]string{
		"ha.stdout.log": fmt.Sprintf("boot %d ha.stdout.log\n", boot),
		"ha.stderr.log": fmt.Sprintf("boot %d ha.stderr.log\n", boot),
		"serial.log":    fmt.Sprintf("boot %d serial.log\n", boot),
	}}
	_, err = stderr.WriteString(a.logs["ha.stderr.log"])
	require.NoError(t, err)
	require.NoError(t, stderr.Close())
	_, err = stdout.WriteString(a.logs["ha.stdout.log"])
	require.NoError(t, err)
	time.Sleep(30 * time.Millisecond) // QEMU's driver comes later
	require.NoError(t, os.RemoveAll(path("serial.log")))
	require.NoError(t, os.WriteFile(path("serial.log"), []byte(a.logs["serial.log"]), 0o644))
	require.NoError(t, os.WriteFile(path("qemu.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	return a
}

// stop ends the boot as Lima's stop does: an exiting event, the pid files removed.
func (a *hostAgent) stop(t *testing.T) {
	_, err := a.stdout.WriteString(`{"status":{"exiting":true}}` + "\n")
	require.NoError(t, err)
	a.logs["ha.stdout.log"] += `{"status":{"exiting":true}}` + "\n"
	require.NoError(t, a.stdout.Close())
	require.NoError(t, os.Remove(filepath.Join(a.dir, "ha.pid")))
	require.NoError(t, os.Remove(filepath.Join(a.dir, "qemu.pid")))
}

// checkBootRace checks that boot's host agent logs are under their active names, that no
// generation holds a log of boot, and that every generation holding a log of the previous boot
// holds it whole.
func checkBootRace(t *testing.T, tr *trial, dir string, boot, prev int, previous map[string]string) {
	for _, name := range []string{"ha.stdout.log", "ha.stderr.log"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		want := fmt.Sprintf("boot %d %s\n", boot, name)
		if err != nil || !strings.HasPrefix(string(b), want) {
			tr.lose(name, int64(len(want)), fmt.Sprintf("the booting instance's log is not at its name (%q, %v)", b, err))
		}
	}
	for _, name := range listDir(t, dir) {
		if _, active := previous[name]; active || !isLogName(name) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		switch content := string(b); {
		case strings.HasPrefix(content, fmt.Sprintf("boot %d ", boot)):
			tr.lose(name, int64(len(b)), "a log of the booting instance was renamed into a generation")
		case strings.HasPrefix(content, fmt.Sprintf("boot %d ", prev)):
			if log := generationOf(name); content != previous[log] {
				tr.lose(name, int64(len(previous[log])), fmt.Sprintf("the previous boot's %s is not whole: %q", log, content))
			}
		}
	}
}

// generationOf returns the active name of a generation name: "serial.3.log" -> "serial.log".
func generationOf(name string) string {
	base := strings.TrimSuffix(name, ".log")
	return base[:strings.LastIndex(base, ".")] + ".log"
}
