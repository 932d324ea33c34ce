// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"fmt"
	"strings"
	"time"
)

// history is target 2: keep-all rotation with 100, 1,000 and 10,000 existing generations (of each
// of the six logs) against logrotate with "rotate -1", and the growth of the time with the count.
func history(e env) error {
	counts := []int{100, 1000, 10000}
	runs := map[int]int{100: e.runs(15), 1000: e.runs(11), 10000: e.runs(7)}
	var series []result
	for _, gens := range counts {
		p, err := rotationPair(e, fmt.Sprintf("history-%d", gens), gens, 64, true)
		if err != nil {
			return err
		}
		p.Title = fmt.Sprintf("2. rotation, large history: %d generations x 6 logs, keep all", gens)
		p.Runs, p.Warmup = runs[gens], 1
		if gens == 10000 {
			p.Limit = 1.0
		}
		r, err := p.measure()
		if err != nil {
			return err
		}
		if err := record(e.Results, r); err != nil {
			return err
		}
		series = append(series, r)
	}
	return record(e.Results, growth(counts, series))
}

// growth tabulates the series and checks that from each count to the next (x10) the median time
// of limactl-logkeep grows by at most the same factor.
func growth(counts []int, series []result) result {
	var b strings.Builder
	fmt.Fprintf(&b, "   %12s  %22s  %14s  %16s  %14s\n", "generations", "limactl-logkeep median", "x previous", "logrotate median", "x previous")
	linear := true
	var prevA, prevB time.Duration
	for i, r := range series {
		a, bm := summarize(r.A).Median, summarize(r.B).Median
		ga, gb := "", ""
		if i > 0 {
			fa := float64(a) / float64(prevA)
			ga, gb = fmt.Sprintf("x%.2f", fa), fmt.Sprintf("x%.2f", float64(bm)/float64(prevB))
			if fa > float64(counts[i])/float64(counts[i-1]) {
				linear = false
			}
		}
		fmt.Fprintf(&b, "   %12d  %22s  %14s  %16s  %14s\n", counts[i], ms(a), ga, ms(bm), gb)
		prevA, prevB = a, bm
	}
	v := "met"
	if !linear {
		v = "MISSED"
	}
	return result{ID: "history-growth", Title: "2. growth from 100 to 10,000 generations (medians)",
		Text: b.String(), Verdict: v, Target: "each x10 in generations costs at most x10 in time"}
}
