// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// side is one command of a pair: how to run it and what to do around each run (not timed).
type side struct {
	Label string
	Argv  []string
	Env   []string     // added to the environment
	Prep  func() error // before every run
	Check func() error // after every run: did it do the job?
}

// pair compares A (limactl-logkeep) with B (the reference tool), run alternately A, B, A, B, ...
type pair struct {
	ID, Title string
	A, B      side
	Runs      int
	Warmup    int
	// Limit is the target on the median ratio: time(A)/time(B) <= Limit, or with Bytes > 0
	// throughput(A)/throughput(B) >= Limit. Limit 0 means informative, no target.
	Limit float64
	Bytes int64
	// CPULimit, when not 0, is a target on the median CPU time ratio too: cpu(A)/cpu(B) <= CPULimit.
	CPULimit float64
	// RSSWithin, when not 0, is a target on peak memory: |maxRSS(A) - maxRSS(B)| <= RSSWithin.
	RSSWithin int64
	// RSSRuns is how many untimed runs under GNU time each side's peak RSS is the median of
	// (default 1).
	RSSRuns int
	// Alternate runs the pair A, B, B, A, A, B, ... instead of A, B, A, B, ..., so that neither
	// side always runs first: for ratios so close to 1 that running first or second shows.
	Alternate bool
}

// sample is one timed run: its wall-clock time and the CPU time (user + system) it used.
type sample struct {
	Wall time.Duration
	CPU  time.Duration `json:",omitempty"`
}

// gnuTime is GNU time, which measures a command's peak RSS from a process of its own: Go's
// fork/exec shares the parent's memory until exec, so the rusage of a child of this (large)
// program counts this program's resident set.
const gnuTime = "/usr/bin/time"

// medianRSS runs the commands of a and b n times each more, alternately and untimed, under GNU
// time and returns the median of each one's peak RSS in bytes (0 when GNU time is not installed).
func medianRSS(a, b side, n int) (int64, int64, error) {
	var as, bs []float64
	for range max(n, 1) {
		ra, err := a.maxRSS()
		if err != nil {
			return 0, 0, err
		}
		rb, err := b.maxRSS()
		if err != nil {
			return 0, 0, err
		}
		as, bs = append(as, float64(ra)), append(bs, float64(rb))
	}
	return int64(median(as)), int64(median(bs)), nil
}

// maxRSS runs the command once more, untimed, under GNU time and returns its peak RSS in bytes,
// or 0 when GNU time is not installed.
func (s side) maxRSS() (int64, error) {
	if _, err := os.Stat(gnuTime); err != nil {
		return 0, nil
	}
	f, err := os.CreateTemp("", "logkeep-bench-rss-")
	if err != nil {
		return 0, err
	}
	f.Close()
	defer os.Remove(f.Name())
	timed := s
	timed.Argv = append([]string{gnuTime, "-f", "%M", "-o", f.Name()}, s.Argv...)
	if _, err := timed.run(); err != nil {
		return 0, err
	}
	out, err := os.ReadFile(f.Name())
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(out))
	if len(fields) == 0 {
		return 0, fmt.Errorf("GNU time printed nothing")
	}
	kib, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	return kib << 10, err
}

// run executes the command once with stdout to /dev/null and stderr kept for an error message.
func (s side) run() (sample, error) {
	if s.Prep != nil {
		if err := s.Prep(); err != nil {
			return sample{}, fmt.Errorf("%s: preparing: %w", s.Label, err)
		}
	}
	errf, err := os.CreateTemp("", "logkeep-bench-stderr-")
	if err != nil {
		return sample{}, err
	}
	defer os.Remove(errf.Name())
	defer errf.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return sample{}, err
	}
	defer devnull.Close()
	cmd := exec.Command(s.Argv[0], s.Argv[1:]...)
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Stdout, cmd.Stderr = devnull, errf
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		msg, _ := os.ReadFile(errf.Name())
		return sample{}, fmt.Errorf("%s: %s: %w: %s", s.Label, strings.Join(s.Argv, " "), err, strings.TrimSpace(string(msg)))
	}
	smp := sample{Wall: wall, CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if s.Check != nil {
		if err := s.Check(); err != nil {
			return sample{}, fmt.Errorf("%s did not do its job: %w", s.Label, err)
		}
	}
	return smp, nil
}

// measure runs the pair interleaved and returns its result; it prints progress on stderr.
func (p pair) measure() (result, error) {
	if p.Runs < 1 {
		return result{}, errors.New("no runs")
	}
	res := result{ID: p.ID, Title: p.Title, Limit: p.Limit, Bytes: p.Bytes, CPULimit: p.CPULimit, RSSWithin: p.RSSWithin, RSSRuns: p.RSSRuns,
		ALabel: p.A.Label, BLabel: p.B.Label, ACmd: shellJoin(p.A), BCmd: shellJoin(p.B)}
	how := "A, B, A, B, ..."
	if p.Alternate {
		how = "A, B, B, A, ..."
	}
	fmt.Fprintf(os.Stderr, "== %s: %d warm-up + %d runs each, interleaved %s\n", p.Title, p.Warmup, p.Runs, how)
	for i := -p.Warmup; i < p.Runs; i++ {
		order := []int{0, 1}
		if p.Alternate && i%2 != 0 {
			order = []int{1, 0}
		}
		for _, j := range order {
			smp, err := []side{p.A, p.B}[j].run()
			if err != nil {
				return res, err
			}
			if i < 0 {
				continue
			}
			if j == 0 {
				res.A = append(res.A, smp)
			} else {
				res.B = append(res.B, smp)
			}
		}
	}
	var err error
	res.ARSS, res.BRSS, err = medianRSS(p.A, p.B, p.RSSRuns)
	return res, err
}

// shellJoin shows a side's command line as one could type it.
func shellJoin(s side) string {
	var parts []string
	for _, e := range s.Env {
		parts = append(parts, quote(display.Replace(e)))
	}
	for _, a := range s.Argv {
		parts = append(parts, quote(display.Replace(a)))
	}
	return strings.Join(parts, " ")
}

func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\`*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
