// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// startup is target 5: limactl-logkeep --version against an empty Go program and against the same
// CLI framework without limactl-logkeep's code, the pass-through overhead of limactl-logkeep itself
// (with true as limactl) against the least a Go program in front of true costs, and the init cost
// of Lima's packages.
func startup(e env) error {
	pairs := []pair{
		{ID: "startup-version", Title: "5. start-up: limactl-logkeep --version vs an empty Go program",
			A: side{Label: "limactl-logkeep --version", Argv: []string{e.Logkeep, "--version"}},
			B: side{Label: "empty Go program", Argv: []string{filepath.Join(e.Tools, "empty")}}},
		{ID: "startup-nolima", Title: "5. start-up: limactl-logkeep --version vs the CLI framework alone (urfave/cli, logrus, logfile)",
			A: side{Label: "limactl-logkeep --version", Argv: []string{e.Logkeep, "--version"}},
			B: side{Label: "nolima --version", Argv: []string{filepath.Join(e.Tools, "nolima"), "--version"}}},
		{ID: "startup-wrap", Title: "5. start-up: the pass-through cost alone (limactl = true)",
			A: side{Label: "limactl-logkeep wrap list (LIMACTL=true)", Argv: []string{e.Logkeep, "wrap", "list"}, Env: []string{"LIMACTL=" + lookPath("true")}},
			B: side{Label: "true list", Argv: []string{lookPath("true"), "list"}}},
		{ID: "startup-execonly", Title: "5. start-up: the least a Go program in front of true costs (execonly: exec at once)",
			A: side{Label: "execonly true list", Argv: []string{filepath.Join(e.Tools, "execonly"), lookPath("true"), "list"}},
			B: side{Label: "true list", Argv: []string{lookPath("true"), "list"}}},
	}
	for i := range pairs {
		pairs[i].Runs, pairs[i].Warmup = e.runs(101), 10
	}
	results, err := measureAll(e.Results, pairs...)
	if err != nil {
		return err
	}
	r, err := inittrace(e, summarize(results[0].A).Median) // pairs[0] is --version
	if err != nil {
		return err
	}
	return record(e.Results, r)
}

// inittrace runs limactl-logkeep --version with GODEBUG=inittrace=1 and sums the median init clock
// of every package, and of the packages linked only because of Lima's (that no other import of
// the module's packages reaches).
func inittrace(e env, versionMedian time.Duration) (result, error) {
	limaOnly, all, err := limaOnlyPackages(e.Repo)
	if err != nil {
		return result{}, err
	}
	clocks := map[string][]float64{}
	var ends []float64
	for range e.runs(21) {
		cmd := exec.Command(e.Logkeep, "--version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return result{}, fmt.Errorf("GODEBUG=inittrace=1 limactl-logkeep --version: %w", err)
		}
		end := 0.0
		sc := bufio.NewScanner(&stderr)
		for sc.Scan() { // init PKG @0.40 ms, 0.085 ms clock, 2016 bytes, 43 allocs
			f := strings.Fields(sc.Text())
			if len(f) < 6 || f[0] != "init" {
				continue
			}
			pkg, _ := url.PathUnescape(f[1])
			at, _ := strconv.ParseFloat(strings.TrimPrefix(f[2], "@"), 64)
			c, _ := strconv.ParseFloat(f[4], 64)
			clocks[pkg] = append(clocks[pkg], c)
			end = max(end, at+c)
		}
		ends = append(ends, end)
	}
	type pkgCost struct {
		name string
		ms   float64
	}
	var total, lima float64
	var top []pkgCost
	for pkg, c := range clocks {
		m := median(c)
		total += m
		if limaOnly[pkg] {
			lima += m
			top = append(top, pkgCost{pkg, m})
		}
	}
	slices.SortFunc(top, func(a, b pkgCost) int { return -cmpFloat(a.ms, b.ms) })
	var b strings.Builder
	fi, _ := os.Stat(e.Logkeep)
	fmt.Fprintf(&b, "   binary %s, %d packages linked, %d of them only because of Lima's (%d with an init)\n",
		mib(fi.Size()), all, len(limaOnly), len(top))
	fmt.Fprintf(&b, "   median over %d runs: init of all packages %.2f ms clock; of Lima-only packages %.2f ms; last init done @%.2f ms\n",
		len(ends), total, lima, median(ends))
	fmt.Fprintf(&b, "   --version median %s: Lima-only init is %.0f%% of it\n", ms(versionMedian), 100*lima/(float64(versionMedian)/1e6))
	fmt.Fprintf(&b, "   costliest Lima-only inits:")
	for i, p := range top[:min(8, len(top))] {
		if i%2 == 0 {
			b.WriteString("\n     ")
		}
		fmt.Fprintf(&b, " %-48s %.3f ms", p.name, p.ms)
	}
	b.WriteString("\n")
	v := "met"
	if lima > 0.05*float64(versionMedian)/1e6 {
		v = "MISSED"
	}
	return result{ID: "startup-inittrace", Title: "5. package init (GODEBUG=inittrace=1 limactl-logkeep --version)",
		Text: b.String(), Verdict: v, Target: "Lima-only init < 5% of --version"}, nil
}

// limaOnlyPackages lists the packages of ./cmd/limactl-logkeep that only Lima's packages bring in.
func limaOnlyPackages(repo string) (map[string]bool, int, error) {
	list := func(args ...string) ([]string, error) {
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list %s: %w", strings.Join(args, " "), err)
		}
		return strings.Fields(string(out)), nil
	}
	all, err := list("-deps", "./cmd/limactl-logkeep")
	if err != nil {
		return nil, 0, err
	}
	var own []string
	for _, p := range all {
		if strings.HasPrefix(p, "limactl-logkeep") {
			own = append(own, p)
		}
	}
	imports, err := list(append([]string{"-f", `{{join .Imports " "}}`}, own...)...)
	if err != nil {
		return nil, 0, err
	}
	var other []string
	for _, p := range imports {
		if !strings.HasPrefix(p, "limactl-logkeep") && !strings.HasPrefix(p, "github.com/lima-vm/") {
			other = append(other, p)
		}
	}
	reached := map[string]bool{}
	if len(other) > 0 {
		deps, err := list(append([]string{"-deps"}, other...)...)
		if err != nil {
			return nil, 0, err
		}
		for _, p := range deps {
			reached[p] = true
		}
	}
	only := map[string]bool{}
	for _, p := range all {
		if !reached[p] && !strings.HasPrefix(p, "limactl-logkeep") {
			only[p] = true
		}
	}
	return only, len(all), nil
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
