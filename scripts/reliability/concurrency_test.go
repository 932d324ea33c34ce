// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	concurrentProcs  = 16
	concurrentRounds = 100
	deleteRounds     = 30
)

// TestConcurrentRotateAndStart runs 16 limactl-logkeep processes at once, 100 times, on the same
// stopped instance: rotate, start, `wrap start` and `--keep-logs rotate`. Before each round the
// instance gets fresh logs; afterwards exactly one new generation must hold them, the next number,
// byte for byte, and every start must have reached limactl with its arguments unchanged.
func TestConcurrentRotateAndStart(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, fmt.Sprintf("3 concurrency: %d processes x %d rounds rotate/start", concurrentProcs, concurrentRounds))
	defer func() { ta.done("same stopped instance, RDD_KEEP_LOGS=1") }()
	rng := newRNG(t)
	sb := newSandbox(t, "")
	dir := sb.instance(t, "vm", nil)
	commands := [][]string{{"rotate", "vm"}, {"start", "vm"}, {"wrap", "start", "vm"}, {"--keep-logs", "rotate", "vm"}}
	bases := []string{"serial", "ha.stdout", "ha.stderr"}
	history := map[string]original{} // generation file name -> what it must hold
	starts := 0

	for round := 1; round <= concurrentRounds; round++ {
		tr := &trial{}
		for _, b := range bases {
			o := writeLog(t, filepath.Join(dir, b+".log"), logSize(rng, b), 0o644, round, rng)
			history[fmt.Sprintf("%s.%d.log", b, round)] = o
		}
		results := make([]result, concurrentProcs)
		errs := make([]error, concurrentProcs)
		var wg sync.WaitGroup
		for i := range concurrentProcs {
			args := commands[i%len(commands)]
			if args[0] != "rotate" && args[1] != "rotate" {
				starts++
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = sb.runE(bin, []string{"RDD_KEEP_LOGS=1"}, args...)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				tr.fail("%v", err)
			}
		}
		for _, r := range results {
			if r.status != 0 {
				tr.fail("%q exited %d: %s", r.args, r.status, r.stderr)
			}
			if noise := noLimaNoise(r.stderr); len(noise) > 0 {
				tr.fail("%q printed %q", r.args, noise)
			}
		}
		for _, b := range bases {
			if _, err := os.Lstat(filepath.Join(dir, b+".log")); err == nil {
				tr.fail("%s.log was not rotated", b)
			}
		}
		checkGenerations(t, tr, dir, history)
		ta.add(fmt.Sprint(round), tr)
	}

	tr := &trial{}
	var startCalls int
	for _, c := range sb.fake.commands(t) {
		if !slices.Equal(c, []string{"start", "vm"}) {
			tr.fail("limactl got %q, want exactly [start vm]", c)
			continue
		}
		startCalls++
	}
	if startCalls != starts {
		tr.fail("limactl start ran %d times for %d start commands", startCalls, starts)
	}
	if len(tr.problems) > 0 {
		ta.add("limactl calls", tr)
	}
}

// checkGenerations checks that dir holds exactly the generation files of history, each byte for
// byte (no log lost, none duplicated, no number reused), besides lima.yaml.
func checkGenerations(t *testing.T, tr *trial, dir string, history map[string]original) {
	names := listDir(t, dir)
	for _, name := range names {
		if name == "lima.yaml" {
			continue
		}
		if _, ok := history[name]; !ok {
			tr.fail("unexpected file %s (a duplicated or misnumbered generation)", name)
		}
	}
	for name, o := range history {
		if !slices.Contains(names, name) {
			tr.lose(name, o.dig.size, "generation missing")
			continue
		}
		if d, err := digestFile(filepath.Join(dir, name), false); err != nil || d != o.dig {
			tr.lose(name, o.dig.size, fmt.Sprintf("holds other content (%v)", err))
		}
	}
}

// TestConcurrentDeletes runs two `delete` of the same instance at once with RDD_KEEP_LOGS=1
// (`delete` and `wrap rm`), 30 times, half of them with the logs dir on another filesystem: the
// logs must end up in exactly one preserved set, whole, and both must hand over to limactl.
func TestConcurrentDeletes(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, fmt.Sprintf("3 concurrency: 2 deletes of one instance x %d", deleteRounds))
	defer func() { ta.done("exactly one preserved set each time") }()
	rng := newRNG(t)
	sb := newSandbox(t, "")
	shmLogs := filepath.Join(shmDir(t), "logs")

	for round := range deleteRounds {
		tr := &trial{}
		name := fmt.Sprintf("vm%d", round)
		logsDir := sb.logs
		if round%2 == 1 {
			logsDir = shmLogs
		}
		dir := sb.instance(t, name, nil)
		logs := map[string]original{}
		for _, f := range []string{"serial.log", "serial.1.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.2.log"} {
			logs[f] = writeLog(t, filepath.Join(dir, f), randomSize(rng), 0o640, 0, rng)
		}
		sb.fake.reset(t)
		env := []string{"RDD_KEEP_LOGS=1", "LIMA_LOGKEEP_DIR=" + logsDir}
		var a, b result
		var errA, errB error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); a, errA = sb.runE(bin, env, "delete", name) }()
		go func() { defer wg.Done(); b, errB = sb.runE(bin, env, "wrap", "rm", name) }()
		wg.Wait()
		for _, err := range []error{errA, errB} {
			if err != nil {
				tr.fail("%v", err)
			}
		}
		for _, r := range []result{a, b} {
			if r.status != 0 {
				tr.fail("%q exited %d: %s", r.args, r.status, r.stderr)
			}
		}
		calls := sb.fake.commands(t)
		slices.SortFunc(calls, func(x, y []string) int { return strings.Compare(strings.Join(x, " "), strings.Join(y, " ")) })
		if want := [][]string{{"delete", name}, {"rm", name}}; !slices.EqualFunc(calls, want, slices.Equal) {
			tr.fail("limactl got %q, want %q", calls, want)
		}
		sets := listDir(t, filepath.Join(logsDir, name))
		if len(sets) != 1 {
			tr.fail("%d preserved sets, want exactly 1: %q", len(sets), sets)
		}
		checkPreserved(t, tr, dir, filepath.Join(logsDir, name), logs)
		ta.add(name, tr)
	}
}

// checkPreserved checks that every log of logs left the instance directory dir and is whole, with
// its mode and modification time, in exactly one set under setsDir, and that sets are 0700.
func checkPreserved(t *testing.T, tr *trial, dir, setsDir string, logs map[string]original) {
	count := map[string]int{}
	for _, name := range listDir(t, dir) {
		if o, ours := logs[name]; ours {
			tr.fail("%s is still in the instance directory", name)
			if d, err := digestFile(filepath.Join(dir, name), false); err == nil && d == o.dig {
				count[name]++ // not preserved, but not lost either
			}
		}
	}
	for _, set := range listDir(t, setsDir) {
		setDir := filepath.Join(setsDir, set)
		fi, err := os.Lstat(setDir)
		require.NoError(t, err)
		if !fi.IsDir() || fi.Mode().Perm() != 0o700 || !setName.MatchString(set) {
			tr.fail("set %s: mode %v, want a directory 0700 named like a set", setDir, fi.Mode())
		}
		for _, name := range listDir(t, setDir) {
			o, ok := logs[name]
			if !ok {
				if name != "lima.yaml" {
					tr.fail("unexpected file %s in set %s", name, setDir)
				}
				continue
			}
			path := filepath.Join(setDir, name)
			d, err := digestFile(path, false)
			if err != nil || d != o.dig {
				tr.fail("%s is not the original (%v)", path, err)
				continue
			}
			count[name]++
			if fi, err := os.Lstat(path); err == nil && (fi.Mode().Perm() != o.mode || !fi.ModTime().Equal(o.mtime)) {
				tr.fail("%s: mode %v, mtime %v; want %v, %v", path, fi.Mode().Perm(), fi.ModTime(), o.mode, o.mtime)
			}
		}
	}
	for name, o := range logs {
		switch count[name] {
		case 0:
			tr.lose(filepath.Join(dir, name), o.dig.size, "neither in the instance directory nor in a set")
		case 1:
		default:
			tr.fail("%s preserved %d times", name, count[name])
		}
	}
}
