// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

// Command logkeep-bench measures limactl-logkeep against the tools people would otherwise use,
// each pair run interleaved in one process on one machine, and writes bench/RESULTS.md. It is run
// by scripts/bench.sh (make bench), which builds it and the programs it needs; see bench/doc.go.
//
//	logkeep-bench SECTION [flags]    SECTION: rotation, history, move, startup, lima, plugin, collect, boots, agent
//	logkeep-bench report [flags]     RESULTS.md from the results file
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// env is what every section needs to know.
type env struct {
	Work     string // scratch directory on disk, removed by bench.sh
	Shm      string // scratch directory on tmpfs (/dev/shm)
	Results  string // JSON lines, one result each
	Logkeep  string // bin/limactl-logkeep
	Tools    string // directory of mover and empty
	Repo     string // the repository (for go list)
	Limactl  string // Lima's real limactl (lima section)
	Baseline string // limactl-logkeep built from the commit before boot outcomes (boots section)
	Quick    bool   // fewer runs and smaller sizes, to try the harness
}

var display = strings.NewReplacer() // shortens paths in shown command lines

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: logkeep-bench rotation|history|move|startup|lima|plugin|collect|boots|agent|report [flags]")
		os.Exit(2)
	}
	section := os.Args[1]
	var e env
	var out, findings, extra string
	fs := flag.NewFlagSet(section, flag.ExitOnError)
	fs.StringVar(&e.Work, "work", "", "scratch directory on disk")
	fs.StringVar(&e.Shm, "shm", "", "scratch directory on tmpfs")
	fs.StringVar(&e.Results, "results", "", "results file (JSON lines)")
	fs.StringVar(&e.Logkeep, "logkeep", "", "limactl-logkeep binary")
	fs.StringVar(&e.Tools, "tools", "", "directory of the helper programs")
	fs.StringVar(&e.Repo, "repo", ".", "the repository")
	fs.StringVar(&e.Limactl, "limactl", "", "Lima's real limactl")
	fs.StringVar(&e.Baseline, "baseline", "", "limactl-logkeep built before boot outcomes (boots)")
	fs.BoolVar(&e.Quick, "quick", false, "fewer runs, smaller sizes")
	fs.StringVar(&out, "out", "bench/RESULTS.md", "report: file written")
	fs.StringVar(&findings, "findings", "bench/FINDINGS.md", "report: profile findings appended")
	fs.StringVar(&extra, "extra", "", "report: directory of extra text blocks (*.txt)")
	fs.Parse(os.Args[2:])
	for _, p := range []*string{&e.Work, &e.Shm, &e.Logkeep, &e.Tools, &e.Repo, &e.Baseline} {
		if *p != "" {
			*p, _ = filepath.Abs(*p)
		}
	}
	short := []string{os.Getenv("PATH"), "$PATH"} // the caller's PATH, which the lima section extends
	for _, p := range [][2]string{{e.Work, "$WORK"}, {e.Shm, "$SHM"}, {e.Tools, "$TOOLS"}, {e.Repo + "/", ""}} {
		if p[0] != "" && p[0] != "/" {
			short = append(short, p[0], p[1])
		}
	}
	display = strings.NewReplacer(short...)
	var err error
	switch section {
	case "rotation":
		err = rotation(e)
	case "history":
		err = history(e)
	case "move":
		err = move(e)
	case "startup":
		err = startup(e)
	case "lima":
		err = lima(e)
	case "plugin":
		err = plugin(e)
	case "collect":
		err = collect(e)
	case "boots":
		err = boots(e)
	case "agent":
		err = agentSection(e)
	case "report":
		err = report(e.Results, out, findings, extra)
	default:
		err = fmt.Errorf("unknown section %q", section)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "logkeep-bench:", section+":", err)
		os.Exit(1)
	}
}

// runs picks the number of runs: n normally, fewer with -quick.
func (e env) runs(n int) int {
	if e.Quick {
		return max(3, n/5)
	}
	return n
}
