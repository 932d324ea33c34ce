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
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// report writes RESULTS.md from the results file, the extra text blocks (profiles) and the
// hand-written profile findings.
func report(results, out, findings, extra string) error {
	rs, err := readResults(results)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# limactl-logkeep: benchmark results\n\n")
	b.WriteString("Written by `make bench` (scripts/bench.sh); do not edit by hand. Each pair ran interleaved\n" +
		"(A, B, A, B, ...) in one run on the machine below, after warm-up runs; a ratio compares the medians of\n" +
		"the same run. Times are wall-clock per process, start-up included; every run was checked to have done\n" +
		"its job (files renamed, moved, ...). Paths: `$WORK` is a scratch directory on disk, `$SHM` one on\n" +
		"/dev/shm (tmpfs), `$TOOLS` the helper programs bench.sh built.\n\n")
	machine(&b)
	b.WriteString("## Verdicts\n\n| target | measured | verdict |\n| --- | --- | --- |\n")
	for _, r := range rs {
		if r.Limit == 0 && r.Verdict == "" {
			continue
		}
		measured := r.measured()
		if r.Skipped != "" {
			measured = "not run: " + r.Skipped
		} else if r.Text != "" {
			measured = "see below"
		}
		fmt.Fprintf(&b, "| %s — %s | %s | **%s** |\n", r.Title, r.target(), measured, r.verdict())
	}
	b.WriteString("\n## Figures\n\n")
	for _, r := range rs {
		section(&b, r)
	}
	if extra != "" {
		files, _ := filepath.Glob(filepath.Join(extra, "*.txt"))
		if len(files) > 0 {
			b.WriteString("## Profiles taken by this run\n\n")
		}
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			title, body, _ := strings.Cut(string(text), "\n")
			fmt.Fprintf(&b, "### %s\n\n```\n%s```\n\n", title, body)
		}
	}
	if text, err := os.ReadFile(findings); err == nil {
		b.Write(text)
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}

func section(b *strings.Builder, r result) {
	fmt.Fprintf(b, "### %s\n\n", r.Title)
	switch {
	case r.Skipped != "":
		fmt.Fprintf(b, "Not run: %s.\n\n", r.Skipped)
		return
	case r.Text != "":
		fmt.Fprintf(b, "```\n%s```\n\n", r.Text)
		if r.Verdict != "" {
			fmt.Fprintf(b, "Target: %s → **%s**\n\n", r.target(), r.Verdict)
		}
		return
	}
	fmt.Fprintf(b, "- A: `%s`\n- B: `%s`\n\n", r.ACmd, r.BCmd)
	fmt.Fprintf(b, "| | runs | min | median | max | CPU median | max RSS |%s\n| --- | --- | --- | --- | --- | --- | --- |%s\n",
		map[bool]string{true: " throughput (median) |"}[r.Bytes > 0], map[bool]string{true: " --- |"}[r.Bytes > 0])
	for _, x := range []struct {
		label string
		s     []sample
		rss   int64
	}{{"A " + r.ALabel, r.A, r.ARSS}, {"B " + r.BLabel, r.B, r.BRSS}} {
		st := summarize(x.s)
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s |", x.label, len(x.s), ms(st.Min), ms(st.Median), ms(st.Max),
			ms(summarizeCPU(x.s).Median), mib(x.rss))
		if r.Bytes > 0 {
			fmt.Fprintf(b, " %s |", mbps(r.Bytes, st.Median))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "\nMedian ratio %s = **%.3f** (CPU time %.3f", r.ratioKind(), r.ratio(), r.cpuRatio())
	if r.RSSRuns > 1 {
		fmt.Fprintf(b, "; max RSS the median of %d runs under GNU time", r.RSSRuns)
	}
	fmt.Fprintf(b, "); target: %s → **%s**\n\n", r.target(), r.verdict())
	if r.Note != "" {
		fmt.Fprintf(b, "%s\n\n", r.Note)
	}
}

// machine describes where the figures come from.
func machine(b *strings.Builder) {
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	first := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			return "(not available)"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	fmt.Fprintf(b, "## Machine\n\n- Date: %s\n- CPUs (nproc): %s; CPU model: %s\n- Kernel: %s %s\n- Go: %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), first("nproc"), cpuModel(), unix.ByteSliceToString(uts.Sysname[:]),
		unix.ByteSliceToString(uts.Release[:]), first("go", "version"))
	fmt.Fprintf(b, "- limactl-logkeep: %s (`make build`); helpers built with %s\n", os.Getenv("BENCH_LOGKEEP_VERSION"), runtime.Version())
	fmt.Fprintf(b, "- Reference tools: %s; %s; %s\n\n", first(lookPath("logrotate", "/usr/sbin/logrotate"), "--version"), first("mv", "--version"), first("tar", "--version"))
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "(unknown)"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "(unknown)"
}
