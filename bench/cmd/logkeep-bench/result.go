// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// result is a measured pair, stored one JSON object a line in the results file.
type result struct {
	ID, Title      string
	ALabel, BLabel string
	ACmd, BCmd     string
	A, B           []sample
	ARSS, BRSS     int64   // peak RSS in bytes of one more run of each, under GNU time (0: unknown)
	Limit          float64 `json:",omitempty"`
	Bytes          int64   `json:",omitempty"`
	CPULimit       float64 `json:",omitempty"` // a target on the CPU time ratio too (pair.CPULimit)
	RSSWithin      int64   `json:",omitempty"` // a target on the peak RSS difference (pair.RSSWithin)
	RSSRuns        int     `json:",omitempty"` // ARSS and BRSS are medians of this many runs (0, 1: one run)
	Skipped        string  `json:",omitempty"` // why the pair was not measured
	Note           string  `json:",omitempty"` // one line under the figures
	Text           string  `json:",omitempty"` // a block of figures that is not a pair
	Verdict        string  `json:",omitempty"` // overrides the verdict of the ratio
	Target         string  `json:",omitempty"` // overrides the target of the ratio
}

type stats struct{ Min, Median, Max time.Duration }

func summarize(s []sample) stats {
	if len(s) == 0 {
		return stats{}
	}
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.Wall
	}
	slices.Sort(d)
	med := d[len(d)/2]
	if len(d)%2 == 0 {
		med = (d[len(d)/2-1] + d[len(d)/2]) / 2
	}
	return stats{d[0], med, d[len(d)-1]}
}

// summarizeCPU is summarize of the CPU times (zero when the samples have none).
func summarizeCPU(s []sample) stats {
	cpu := make([]sample, len(s))
	for i, x := range s {
		cpu[i] = sample{Wall: x.CPU}
	}
	return summarize(cpu)
}

// cpuRatio is the median CPU time ratio cpu(A)/cpu(B), or 0 when unknown.
func (r result) cpuRatio() float64 {
	a, b := summarizeCPU(r.A).Median, summarizeCPU(r.B).Median
	if a == 0 || b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// rssMet reports whether the peak RSS target (if any) is met.
func (r result) rssMet() bool {
	d := r.ARSS - r.BRSS
	return r.RSSWithin == 0 || (r.ARSS > 0 && r.BRSS > 0 && max(d, -d) <= r.RSSWithin)
}

// measured is the Verdicts table's summary of the figures the targets apply to.
func (r result) measured() string {
	s := fmt.Sprintf("median ratio %.3f", r.ratio())
	if r.CPULimit > 0 {
		s += fmt.Sprintf(", CPU %.3f", r.cpuRatio())
	}
	if r.RSSWithin > 0 {
		s += fmt.Sprintf(", peak RSS %+.2f MiB", float64(r.ARSS-r.BRSS)/(1<<20))
	}
	return s
}

// ratio is the median ratio the target applies to: time(A)/time(B), or for a throughput pair
// throughput(A)/throughput(B) = time(B)/time(A).
func (r result) ratio() float64 {
	a, b := summarize(r.A).Median, summarize(r.B).Median
	if a == 0 || b == 0 {
		return 0
	}
	if r.Bytes > 0 {
		return float64(b) / float64(a)
	}
	return float64(a) / float64(b)
}

// ratioKind says what ratio() divides: times, or throughputs for a pair that moves bytes.
func (r result) ratioKind() string {
	if r.Bytes > 0 {
		return "throughput(A)/throughput(B)"
	}
	return "time(A)/time(B)"
}

// verdict says whether the target is met.
func (r result) verdict() string {
	switch {
	case r.Verdict != "":
		return r.Verdict
	case r.Skipped != "":
		return "NOT RUN"
	case r.Limit == 0:
		return "info"
	case r.CPULimit > 0 && (r.cpuRatio() == 0 || r.cpuRatio() > r.CPULimit), !r.rssMet():
		return "MISSED"
	case r.Bytes > 0 && r.ratio() >= r.Limit, r.Bytes == 0 && r.ratio() <= r.Limit:
		return "met"
	}
	return "MISSED"
}

func (r result) target() string {
	switch {
	case r.Target != "":
		return r.Target
	case r.Limit == 0:
		return "-"
	case r.Bytes > 0:
		return fmt.Sprintf("throughput ratio >= %.2f", r.Limit)
	}
	t := fmt.Sprintf("time ratio <= %.2f", r.Limit)
	if r.CPULimit > 0 {
		t += fmt.Sprintf(", CPU time ratio <= %.2f", r.CPULimit)
	}
	if r.RSSWithin > 0 {
		t += fmt.Sprintf(", peak RSS within %s", mib(r.RSSWithin))
	}
	return t
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func mbps(bytes int64, d time.Duration) string {
	return fmt.Sprintf("%.0f MB/s", float64(bytes)/1e6/d.Seconds())
}

// print writes the pair's figures as the console shows them.
func (r result) print(w io.Writer) {
	if r.Skipped != "" {
		fmt.Fprintf(w, "-- %s: NOT RUN: %s\n\n", r.Title, r.Skipped)
		return
	}
	if r.Text != "" {
		fmt.Fprintf(w, "-- %s\n%s", r.Title, r.Text)
		if r.Verdict != "" {
			fmt.Fprintf(w, "   target: %s   → %s\n", r.target(), r.Verdict)
		}
		fmt.Fprintln(w)
		return
	}
	for _, x := range []struct {
		label string
		s     []sample
		rss   int64
	}{{r.ALabel, r.A, r.ARSS}, {r.BLabel, r.B, r.BRSS}} {
		st := summarize(x.s)
		fmt.Fprintf(w, "   %-40s min %10s  median %10s  max %10s  CPU median %10s  max RSS %9s", x.label, ms(st.Min), ms(st.Median), ms(st.Max),
			ms(summarizeCPU(x.s).Median), mib(x.rss))
		if r.Bytes > 0 {
			fmt.Fprintf(w, "  %s", mbps(r.Bytes, st.Median))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "   median ratio %s = %.3f (CPU %.3f)   target: %s   → %s\n", r.ratioKind(), r.ratio(), r.cpuRatio(), r.target(), r.verdict())
	if r.Note != "" {
		fmt.Fprintf(w, "   %s\n", r.Note)
	}
	fmt.Fprintln(w)
}

// record prints r and appends it to the results file.
func record(path string, r result) error {
	r.print(os.Stdout)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(r)
}

// measureAll measures each pair in turn, records its result in path and returns the results in
// the order of pairs.
func measureAll(path string, pairs ...pair) ([]result, error) {
	var results []result
	for _, p := range pairs {
		r, err := p.measure()
		if err != nil {
			return results, err
		}
		if err := record(path, r); err != nil {
			return results, err
		}
		results = append(results, r)
	}
	return results, nil
}

// readResults reads every result of the results file, in order.
func readResults(path string) ([]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []result
	dec := json.NewDecoder(f)
	for dec.More() {
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}
