// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/limasim"
)

// agentProc is `limactl-logkeep ... agent` run as its own process, its stderr collected.
type agentProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

// startAgent runs $LOGKEEP_BIN with args and waits until it watches its homes.
func startAgent(t *testing.T, bin string, args ...string) *agentProc {
	t.Helper()
	a := &agentProc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	a.cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + os.Getenv("HOME")}
	stderr, err := a.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, a.cmd.Start())
	go func() {
		defer close(a.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			a.mu.Lock()
			a.lines = append(a.lines, sc.Text())
			a.mu.Unlock()
		}
	}()
	t.Cleanup(func() { a.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for !a.saw("Watching ") {
		select {
		case <-a.done:
			a.cmd.Wait()
			t.Fatalf("the agent stopped before it watched: %s", a.log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agent does not watch after 30s: %s", a.log())
		}
		time.Sleep(time.Millisecond)
	}
	return a
}

func (a *agentProc) saw(s string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, l := range a.lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func (a *agentProc) log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.lines, "\n")
}

// kill sends SIGKILL and waits for the process; it is safe to call twice.
func (a *agentProc) kill() {
	if a.cmd.ProcessState != nil {
		return
	}
	_ = a.cmd.Process.Signal(syscall.SIGKILL)
	<-a.done
	_ = a.cmd.Wait()
}

// linked reports whether the agent's store links every active log of the instance dir.
func linked(dir, store string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".log") || strings.Count(name, ".") > 2 && isGeneration(name) {
			continue
		}
		dfi, err1 := os.Lstat(filepath.Join(dir, name))
		sfi, err2 := os.Lstat(filepath.Join(store, name))
		if err1 != nil || err2 != nil || !os.SameFile(dfi, sfi) {
			return false
		}
	}
	return true
}

// isGeneration reports whether name is "<base>.<N>.log".
func isGeneration(name string) bool {
	rest := strings.TrimSuffix(name, ".log")
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return false
	}
	return strings.Trim(rest[i+1:], "0123456789") == "" && rest[i+1:] != ""
}

// poll waits until cond holds or timeout passes, and reports whether it held.
func poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}

// vzTrials is the number of simulated VZ starts; the issue asks for 200.
const vzTrials = 200

// TestAgentVZTruncatedInPlace: with the agent running as its own process and no wrapper, 200
// simulated VZ starts each remove and recreate the host agent's logs, then truncate serialv.log
// in place 5 ms later: every boot's serialv.log must be whole in its generation.
func TestAgentVZTruncatedInPlace(t *testing.T) {
	ta := newTally(t, "8 agent: VZ start, serialv.log truncated in place 5 ms after the signal")
	var slowest time.Duration
	defer func() {
		ta.done(fmt.Sprintf("D = 5 ms; slowest generation made in %v", slowest.Round(time.Millisecond)))
	}()
	nonRoot(t)
	bin := logkeepBin(t)
	home := t.TempDir()
	in, err := limasim.Create(home, "vz")
	require.NoError(t, err)
	store := filepath.Join(home, "_logkeep", ".agent", "vz")
	a := startAgent(t, bin, "--max-backups=3", "agent", "--lima-home", home)
	require.NoError(t, in.Start(limasim.VZ, 0, nil))
	require.True(t, poll(10*time.Second, func() bool { return linked(in.Dir, store) }), "the agent links the first boot: %s", a.log())
	for i := range vzTrials {
		tr := &trial{}
		b := in.Boot()
		require.NoError(t, in.Run())
		require.NoError(t, in.Stop())
		want := in.Wrote(b)[limasim.SerialV]
		began := time.Now()
		require.NoError(t, in.Start(limasim.VZ, 5*time.Millisecond, nil))
		gen := filepath.Join(in.Dir, fmt.Sprintf("ha.stdout.%d.log", b))
		if !poll(10*time.Second, func() bool { return a.saw(fmt.Sprintf("as generation %d ", b)) && exists(gen) }) {
			tr.fail("no generation %d after 10s", b)
		}
		slowest = max(slowest, time.Since(began))
		got, err := os.ReadFile(filepath.Join(in.Dir, fmt.Sprintf("serialv.%d.log", b)))
		switch {
		case err != nil:
			tr.lose(fmt.Sprintf("boot %d serialv.log", b), int64(len(want)), fmt.Sprintf("not in its generation: %v", err))
		case string(got) != string(want):
			tr.lose(fmt.Sprintf("boot %d serialv.log", b), int64(len(want)), fmt.Sprintf("its generation holds %q", firstLine(got)))
		}
		if !poll(10*time.Second, func() bool { return linked(in.Dir, store) }) {
			tr.fail("the agent does not link boot %d's logs", b+1)
		}
		ta.add(fmt.Sprint(i), tr)
	}
	a.kill()
	if t.Failed() {
		t.Logf("agent log:\n%s", a.log())
	}
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// killTrials is the number of moments the agent is killed at; the issue asks for at least 200.
const killTrials = 200

// TestAgentKilled: the agent (its own process, --keep-logs) is killed with SIGKILL at a random
// moment while a simulated start (QEMU: the host agent's logs removed and made again, the
// console removed 0-30 ms later) or a simulated `limactl delete` (os.RemoveAll) runs, then
// restarted, either once the operation is over or at once, while it still runs. Every log of
// every boot must then be whole in a generation, an active log or a preserved set, and no
// generation may hold two boots.
func TestAgentKilled(t *testing.T) {
	ta := newTally(t, "8 agent: SIGKILL during starts and deletes, restarted")
	var starts, deletes, overlapped, splits int
	defer func() {
		ta.done(fmt.Sprintf("%d starts, %d deletes; %d restarted mid-operation; %d boots in two generations", starts, deletes, overlapped, splits))
	}()
	nonRoot(t)
	bin := logkeepBin(t)
	rng := newRNG(t)
	home := t.TempDir()
	args := []string{"--keep-logs", "agent", "--lima-home", home}
	a := startAgent(t, bin, args...)
	var all []*limasim.Instance
	var in *limasim.Instance
	incarnation := 0
	fresh := func() {
		incarnation++
		var err error
		in, err = limasim.Create(home, fmt.Sprintf("vm%d", incarnation))
		require.NoError(t, err)
		all = append(all, in)
		store := filepath.Join(home, "_logkeep", ".agent", in.Name)
		require.True(t, poll(10*time.Second, func() bool { return exists(filepath.Join(store, "lima.yaml")) }), "watch %s", in.Name)
		require.NoError(t, in.Start(limasim.QEMU, 0, nil))
		require.True(t, poll(10*time.Second, func() bool { return linked(in.Dir, store) }), "link %s: %s", in.Name, a.log())
	}
	fresh()
	for i := range killTrials {
		tr := &trial{}
		store := filepath.Join(home, "_logkeep", ".agent", in.Name)
		require.NoError(t, in.Run())
		deleting := rng.IntN(5) == 0
		var op func() error
		if deleting {
			deletes++
			op = in.Delete
		} else {
			starts++
			delay := time.Duration(rng.IntN(30)) * time.Millisecond
			op = func() error {
				if err := in.Stop(); err != nil {
					return err
				}
				return in.Start(limasim.QEMU, delay, nil)
			}
		}
		done := make(chan error, 1)
		go func() { done <- op() }()
		time.Sleep(time.Duration(rng.Int64N(int64(40 * time.Millisecond))))
		a.kill()
		overlap := rng.IntN(3) == 0
		if overlap {
			overlapped++
			a = startAgent(t, bin, args...)
		}
		if err := <-done; err != nil {
			tr.fail("the simulated operation failed: %v", err)
		}
		if !overlap {
			a = startAgent(t, bin, args...)
		}
		setsDir := filepath.Join(home, "_logkeep", in.Name)
		var rep limasim.Report
		settled := poll(5*time.Second, func() bool {
			var err error
			rep, err = limasim.Check(in, setsDir)
			if err != nil || !rep.OK() {
				return false
			}
			if deleting {
				return !exists(store)
			}
			return linked(in.Dir, store)
		})
		if !settled {
			for _, l := range rep.Lost {
				tr.logsLost++
				tr.fail("LOST %s", l)
			}
			tr.bytesLost += rep.LostBytes
			for _, m := range rep.Mixed {
				tr.fail("a generation holds two boots: %s", m)
			}
			if len(rep.Lost) == 0 && len(rep.Mixed) == 0 {
				tr.fail("the agent did not settle (deleting %v): store %v", deleting, exists(store))
			}
		}
		splits += len(rep.Split)
		ta.add(fmt.Sprintf("%d (delete %v, restarted mid-operation %v)", i, deleting, overlap), tr)
		if len(tr.problems) > 0 && ta.shown <= 3 {
			t.Logf("agent log:\n%s", a.log())
		}
		if deleting {
			fresh()
		}
	}
	a.kill()
	t.Run("every instance, at the end", func(t *testing.T) {
		for _, in := range all {
			rep, err := limasim.Check(in, filepath.Join(home, "_logkeep", in.Name))
			require.NoError(t, err)
			require.True(t, rep.OK(), "%s: %s", in.Name, rep)
		}
	})
}
