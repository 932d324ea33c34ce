// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestCrashAtEveryPreserveSyscall complements the random kills: for fixed layouts it kills the
// preserving driver at the entry of its 1st, 2nd, ... file-changing system call (traced with
// ptrace), so every state a crash can leave behind is checked once, rename windows of
// microseconds included.
func TestCrashAtEveryPreserveSyscall(t *testing.T) {
	disk, shm := t.TempDir(), shmDir(t)
	requireOtherFS(t, disk, shm)
	ta := newTally(t, "1 crash: preserve, killed at every file syscall")
	points := 0
	defer func() { ta.done(fmt.Sprintf("ptrace: %d kill points, same fs and cross fs", points)) }()
	for _, layout := range []struct{ src, dest string }{{disk, disk}, {shm, disk}, {disk, shm}} {
		newCase := func() *preserveCase {
			return newPreserveCase(t, rand.New(rand.NewPCG(5, 1)), layout.src, layout.dest, 6, 0)
		}
		points += everyPoint(t, ta, "preserve", func() (driverArgs, func(*trial)) {
			p := newCase()
			return driverArgs{Dir: p.src, Dest: p.dest, Copy: []string{"lima.yaml"}}, func(tr *trial) {
				p.check(t, tr, false)
				p.recover(tr)
				p.check(t, tr, true)
				p.cleanup()
			}
		})
	}
}

// TestCrashAtEveryRotateSyscall kills the rotating driver at each of its file-changing system
// calls in turn, for a layout that renames, prunes and gzips, and one that keeps everything.
func TestCrashAtEveryRotateSyscall(t *testing.T) {
	ta := newTally(t, "2 crash: rotate, killed at every file syscall")
	points, split := 0, 0
	defer func() {
		ta.done(fmt.Sprintf("ptrace: %d kill points (%d between two renames), prune+gzip and keep-all", points, split))
	}()
	parent := t.TempDir()
	for _, shape := range []rotateShape{
		{actives: 6, oldGens: 3, maxBackups: 2, compress: true, foreignN: true, small: true},
		{actives: 4, oldGens: 2, keepAll: true, small: true},
	} {
		points += everyPoint(t, ta, "rotate", func() (driverArgs, func(*trial)) {
			c := newRotateCase(t, rand.New(rand.NewPCG(7, 3)), parent, shape)
			return c.args, func(tr *trial) {
				c.afterCrash(t, tr)
				if c.split {
					split++
				}
			}
		})
	}
}

// everyPoint counts the file-changing system calls of one uninterrupted driver run on a fresh
// layout from newCase, then, for each k, makes the same layout again, kills the driver at the k-th
// call and runs the layout's checks. It returns the number of kill points.
func everyPoint(t *testing.T, ta *tally, mode string, newCase func() (driverArgs, func(*trial))) int {
	t.Helper()
	args, check := newCase()
	total, _, err := killAtSyscall(mode, args, 0)
	if errors.Is(err, errNoTrace) {
		missing(t, err.Error())
	}
	tr := &trial{}
	if err != nil {
		tr.fail("uninterrupted run: %v", err)
	}
	check(tr)
	ta.add("uninterrupted", tr)
	if total == 0 {
		t.Fatalf("%s: no file-changing system call traced: the tracer is broken", mode)
	}
	for k := 1; k <= total; k++ {
		args, check := newCase()
		tr := &trial{}
		_, killed, err := killAtSyscall(mode, args, k)
		switch {
		case err != nil:
			tr.fail("driver: %v", err)
		case !killed:
			tr.fail("the run finished before its system call %d of %d: the layout's calls are not deterministic", k, total)
		}
		check(tr)
		ta.add(fmt.Sprintf("%s killed at file syscall %d of %d", mode, k, total), tr)
	}
	return total
}
