// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"limactl-logkeep/internal/limasim"
)

// agentSection is target 8, run as the test user (limactl refuses root): the agent's CPU time
// while idle, its memory, how fast it acts on a start, and what it costs `limactl list`.
func agentSection(e env) error {
	if err := agentIdle(e); err != nil {
		return err
	}
	if err := agentLatency(e); err != nil {
		return err
	}
	return agentList(e)
}

// agentProcess is `limactl-logkeep agent` running in the background.
type agentProcess struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

// startAgentProcess runs the agent on home with args (global options) and waits until it
// watches the home and has caught up.
func startAgentProcess(e env, home string, args ...string) (*agentProcess, error) {
	a := &agentProcess{done: make(chan struct{})}
	a.cmd = exec.Command(e.Logkeep, append(args, "agent", "--lima-home", home)...)
	stderr, err := a.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	watching := make(chan struct{})
	go func() {
		defer close(a.done)
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			a.mu.Lock()
			a.out.WriteString(sc.Text() + "\n")
			a.mu.Unlock()
			if strings.Contains(sc.Text(), "Watching ") {
				once.Do(func() { close(watching) })
			}
		}
	}()
	select {
	case <-watching:
	case <-a.done:
		a.cmd.Wait()
		return nil, fmt.Errorf("the agent stopped: %s", a.output())
	case <-time.After(60 * time.Second):
		a.stop()
		return nil, fmt.Errorf("the agent does not watch %s after 60 s", home)
	}
	time.Sleep(time.Second) // the catch-up's settle (300 ms later) is over
	return a, nil
}

func (a *agentProcess) output() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.out.String()
}

// stop ends the agent with SIGTERM, as its service manager does, and waits for it.
func (a *agentProcess) stop() {
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	<-a.done
	_ = a.cmd.Wait()
}

// cpuTime is the CPU time the process pid has used, summed over its threads, from the
// scheduler's nanosecond counters (/proc/PID/task/*/schedstat).
func cpuTime(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no schedstat for process %d", pid)
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, err
		}
		total += time.Duration(ns)
	}
	return total, nil
}

// peakRSS is the process' peak resident set (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			kib, err := strconv.ParseInt(f[0], 10, 64)
			return kib << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// homeWith makes a Lima home of n stopped instances that each had two boots (logs and a
// generation in place, as the agent sees a real home).
func homeWith(dir string, n int) ([]*limasim.Instance, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var ins []*limasim.Instance
	for i := range n {
		in, err := limasim.Create(dir, fmt.Sprintf("vm%d", i+1))
		if err != nil {
			return nil, err
		}
		if err := in.Start(limasim.QEMU, 0, nil); err != nil {
			return nil, err
		}
		if err := in.Stop(); err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	return ins, nil
}

// agentIdle measures the agent's CPU time over idle seconds watching 20 instances, and its peak
// memory watching 50.
func agentIdle(e env) error {
	idle := 60 * time.Second
	if e.Quick {
		idle = 10 * time.Second
	}
	home := filepath.Join(e.Work, "idle")
	if _, err := homeWith(home, 20); err != nil {
		return err
	}
	a, err := startAgentProcess(e, home)
	if err != nil {
		return err
	}
	pid := a.cmd.Process.Pid
	before, err := cpuTime(pid)
	if err != nil {
		a.stop()
		return err
	}
	time.Sleep(idle)
	after, err := cpuTime(pid)
	a.stop()
	if err != nil {
		return err
	}
	used := after - before
	title := fmt.Sprintf("8. agent: CPU time over %.0f idle seconds watching 20 instances", idle.Seconds())
	text := fmt.Sprintf("CPU time used by limactl-logkeep agent (all threads, /proc/PID/task/*/schedstat): %s over %.0f s (%.4f%% of one CPU)\n"+
		"(its CPU time from its start to the idle period, catching up on 20 instances: %s)\n",
		ms(used), idle.Seconds(), 100*float64(used)/float64(idle), ms(before))
	verdict := "met"
	if used >= 10*time.Millisecond {
		verdict = "MISSED"
	}
	if err := record(e.Results, result{ID: "agent-idle-cpu", Title: title, Text: text, Target: "< 10 ms", Verdict: verdict}); err != nil {
		return err
	}

	home = filepath.Join(e.Work, "rss")
	if _, err := homeWith(home, 50); err != nil {
		return err
	}
	if a, err = startAgentProcess(e, home); err != nil {
		return err
	}
	rss, err := peakRSS(a.cmd.Process.Pid)
	a.stop()
	if err != nil {
		return err
	}
	verdict = "met"
	if rss > 20<<20 {
		verdict = "MISSED"
	}
	return record(e.Results, result{ID: "agent-rss", Title: "8. agent: peak memory watching 50 instances",
		Text:   fmt.Sprintf("peak RSS (VmHWM) of limactl-logkeep agent after catching up on 50 instances: %s\n", mib(rss)),
		Target: "<= 20 MiB", Verdict: verdict})
}

// agentLatency times, over many simulated starts with the agent running (as its own process),
// how long after the start signal (the removal of ha.stdout.log) the agent has set aside the
// last boot's serialv.log (VZ: the one log a start truncates in place), and has made the last
// boot's generation (QEMU: the logs linked into the instance directory).
func agentLatency(e env) error {
	starts := 1000
	if e.Quick {
		starts = 100
	}
	home := filepath.Join(e.Work, "latency")
	ins, err := homeWith(home, 1)
	if err != nil {
		return err
	}
	in := ins[0]
	a, err := startAgentProcess(e, home, "--max-backups=3")
	if err != nil {
		return err
	}
	defer a.stop()
	w, err := fsnotify.NewBufferedWatcher(1024)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(in.Dir); err != nil {
		return err
	}
	store := filepath.Join(home, "_logkeep", ".agent", in.Name)
	// Events are timed as they arrive, by a goroutine of their own, while the start runs.
	type timed struct {
		at time.Time
		ev fsnotify.Event
	}
	events := make(chan timed, 4096)
	go func() {
		for ev := range w.Events {
			events <- timed{time.Now(), ev}
		}
	}()
	// waitEvent waits for an event on name with op, dropping the others.
	waitEvent := func(name string, op fsnotify.Op) (time.Time, error) {
		timeout := time.After(3 * time.Second)
		for {
			select {
			case t := <-events:
				if filepath.Base(t.ev.Name) == name && t.ev.Has(op) {
					return t.at, nil
				}
			case err := <-w.Errors:
				return time.Time{}, err
			case <-timeout:
				return time.Time{}, fmt.Errorf("no %v of %s after 3 s: %s", op, name, a.output())
			}
		}
	}
	drainEvents := func() {
		for {
			select {
			case <-events:
			default:
				return
			}
		}
	}
	missed := 0
	measure := func(driver limasim.Driver, delay time.Duration, name string, op fsnotify.Op, genName func(int) string) ([]time.Duration, error) {
		var ds []time.Duration
		for range starts {
			if err := waitLinked(in.Dir, store); err != nil {
				return nil, err
			}
			if err := in.Stop(); err != nil {
				return nil, err
			}
			time.Sleep(time.Millisecond) // the stop's events are in
			drainEvents()
			n := in.Boot()
			began := time.Now()
			if err := in.Start(driver, delay, nil); err != nil {
				return nil, err
			}
			target := name
			if genName != nil {
				target = genName(n)
			}
			at, err := waitEvent(target, op)
			if err != nil {
				if driver == limasim.VZ && genName == nil {
					missed++ // the driver truncated it first: counted, not timed
					continue
				}
				return nil, err
			}
			ds = append(ds, at.Sub(began))
		}
		return ds, nil
	}
	aside, err := measure(limasim.VZ, 50*time.Millisecond, limasim.SerialV, fsnotify.Rename, nil)
	if err != nil {
		return err
	}
	made, err := measure(limasim.QEMU, 0, "", fsnotify.Create, func(n int) string { return fmt.Sprintf("serialv.%d.log", n) })
	if err != nil {
		return err
	}
	load, _ := os.ReadFile("/proc/loadavg")
	text := fmt.Sprintf("%d simulated starts each (load average at the end: %s); time from the start signal (Lima's removal of ha.stdout.log) to:\n",
		starts, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " ")) +
		"  " + quantiles("VZ: the last boot's serialv.log set aside", aside) +
		"  " + quantiles("QEMU: the last boot's generation made", made) +
		fmt.Sprintf("  (VZ starts whose serialv.log the simulated driver truncated, 50 ms after the signal, before the agent set it aside: %d)\n", missed)
	return record(e.Results, result{ID: "agent-latency", Title: "8. agent: from the start signal to the last boot kept",
		Text: text, Target: "- (VZ truncates serialv.log only once its host agent and driver run)", Verdict: "info"})
}

// quantiles formats the median, p90, p99 and max of ds.
func quantiles(label string, ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("%-44s median %s, p90 %s, p99 %s, max %s\n", label+":", ms(q(0.5)), ms(q(0.9)), ms(q(0.99)), ms(s[len(s)-1]))
}

// waitLinked waits until the agent's store links every active log of dir (it has taken in the
// boot that runs).
func waitLinked(dir, store string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok := true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, ent := range entries {
			name := ent.Name()
			if !strings.HasSuffix(name, ".log") || strings.Count(name, ".") > 1 && name != "ha.stdout.log" && name != "ha.stderr.log" {
				continue
			}
			dfi, err1 := os.Lstat(filepath.Join(dir, name))
			sfi, err2 := os.Lstat(filepath.Join(store, name))
			if err1 != nil || err2 != nil || !os.SameFile(dfi, sfi) {
				ok = false
			}
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the agent does not link the logs of %s", dir)
		}
		time.Sleep(time.Millisecond)
	}
}

// agentList compares `limactl list` with the agent running on its home against without it.
func agentList(e env) error {
	const id, title = "agent-list", "8. limactl list with the agent running vs without (3 stopped instances)"
	if e.Limactl == "" {
		return record(e.Results, result{ID: id, Title: title, Limit: 1.01, Skipped: "no limactl (-limactl)"})
	}
	home := filepath.Join(e.Work, "list")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	image, tmpl := filepath.Join(e.Work, "empty.img"), filepath.Join(e.Work, "stopped.yaml")
	if err := os.WriteFile(image, nil, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(tmpl, []byte("images:\n- location: "+image+"\n  arch: x86_64\nplain: true\n"), 0o644); err != nil {
		return err
	}
	limaEnv := []string{"LIMA_HOME=" + home}
	for _, name := range []string{"vm1", "vm2", "vm3"} {
		cmd := exec.Command(e.Limactl, "--tty=false", "create", "--name", name, tmpl)
		cmd.Env = append(os.Environ(), limaEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("limactl create %s: %w\n%s", name, err, out)
		}
	}
	var running *agentProcess
	stopAgent := func() error {
		if running != nil {
			running.stop()
			running = nil
			time.Sleep(time.Second) // as long as startAgentProcess waits: both sides run on a settled machine
		}
		return nil
	}
	defer stopAgent()
	p := pair{ID: id, Title: title,
		A: side{Label: "limactl list, agent running", Argv: []string{e.Limactl, "list"}, Env: limaEnv,
			Prep: func() (err error) {
				if running == nil {
					running, err = startAgentProcess(e, home)
				}
				return err
			}},
		B:    side{Label: "limactl list, no agent", Argv: []string{e.Limactl, "list"}, Env: limaEnv, Prep: stopAgent},
		Runs: e.runs(41), Warmup: 3, Limit: 1.01}
	r, err := p.measure()
	if err != nil {
		return err
	}
	r.Note = "The agent starts before each A run (and has caught up, 1 s) and is stopped before each B run (1 s before it); " +
		"inotify reports no reads, so `limactl list` wakes it for nothing: any difference is the machine's noise."
	return record(e.Results, r)
}
