// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// plugin is target 7, run as the non-root test user (limactl refuses root): what installing
// limactl-logkeep costs every limactl command. Lima 2.2 reads every limactl-* file on its plugin
// paths whole at each start, so `limactl list -q` (an empty Lima home) runs in a Lima prefix with
// limactl-logkeep installed by scripts/install.sh (what `make install` runs) against the same
// prefix without it; the layout before it (the program in bin, libexec/lima and lib/lima) and the
// program on one scanned path only (the Windows layout) against the same, for reference; and what
// the plugin entry, a sh script, adds to `limactl-logkeep --version` and to `limactl logkeep
// --version` over running the program directly. Lima's discovery alone is also timed in-process
// in each layout (the discover helper), which no scheduling noise blurs.
func plugin(e env) error {
	if e.Limactl == "" {
		return fmt.Errorf("-limactl (Lima's real limactl) is required")
	}
	home := filepath.Join(e.Work, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	prefixes := map[string]func(string) error{
		"without": func(string) error { return nil },
		"entry": func(p string) error {
			out, err := exec.Command(filepath.Join(e.Repo, "scripts", "install.sh"), e.Logkeep, p).CombinedOutput()
			if err != nil {
				return fmt.Errorf("scripts/install.sh: %w: %s", err, out)
			}
			return nil
		},
		"earlier": func(p string) error { return earlierLayout(e.Logkeep, p) },
		"onepath": func(p string) error { return copyFile(e.Logkeep, filepath.Join(p, "bin", "limactl-logkeep")) },
	}
	prefix := map[string]string{}
	for name, lay := range prefixes {
		p := filepath.Join(e.Work, name)
		if err := os.MkdirAll(filepath.Join(p, "bin"), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(e.Limactl, filepath.Join(p, "bin", "limactl")); err != nil {
			return err
		}
		if err := lay(p); err != nil {
			return err
		}
		prefix[name] = p
	}
	// list is `limactl list -q` in the prefix name, with its bin on PATH (as an installed Lima's)
	// and the system's directories: the same PATH on both sides but for the prefix.
	list := func(label, name string) side {
		return side{Label: label, Argv: []string{filepath.Join(prefix[name], "bin", "limactl"), "list", "-q"},
			Env: []string{"LIMA_HOME=" + home, "PATH=" + filepath.Join(prefix[name], "bin") + ":/usr/bin:/bin"}}
	}
	without := list("limactl list -q, without logkeep", "without")
	again := list("limactl list -q, without logkeep, again", "without")
	pairs := []pair{
		{ID: "install-list", Title: "7. install: limactl list -q in a Lima prefix with limactl-logkeep installed vs the same prefix without",
			A: list("limactl list -q, logkeep installed", "entry"), B: without,
			Runs: e.runs(301), Warmup: 5, Limit: 1.02, CPULimit: 1.02, RSSWithin: 1 << 20, RSSRuns: 11, Alternate: true},
		{ID: "install-list-floor", Title: "7. floor: the same limactl list -q, without logkeep, on both sides (what noise alone gives)",
			A: again, B: without, Runs: e.runs(301), Warmup: 5, RSSRuns: 11, Alternate: true},
		{ID: "install-list-earlier", Title: "7. reference: limactl list -q with the earlier layout (the program in bin, libexec/lima, lib/lima) vs without",
			A: list("limactl list -q, earlier layout", "earlier"), B: without, Runs: e.runs(41), Warmup: 3, RSSRuns: 5},
		{ID: "install-list-onepath", Title: "7. reference: limactl list -q with the program on one scanned path (bin; the Windows layout) vs without",
			A: list("limactl list -q, program in bin", "onepath"), B: without, Runs: e.runs(41), Warmup: 3, RSSRuns: 5},
	}
	entry, direct := filepath.Join(prefix["entry"], "bin", "limactl-logkeep"), filepath.Join(prefix["entry"], "libexec", "limactl-logkeep", "bin", "limactl-logkeep")
	plugin := func(label, name string) side {
		s := list(label, name)
		s.Argv = []string{filepath.Join(prefix[name], "bin", "limactl"), "logkeep", "--version"}
		return s
	}
	versionDirect := side{Label: "the program --version", Argv: []string{direct, "--version"}}
	pairs = append(pairs,
		pair{ID: "install-entry", Title: "7. the plugin entry: bin/limactl-logkeep --version (sh, then exec) vs the program --version",
			A: side{Label: "entry --version", Argv: []string{entry, "--version"}}, B: versionDirect, Runs: e.runs(101), Warmup: 10},
		pair{ID: "install-plugin-call", Title: "7. the plugin call: limactl logkeep --version (limactl, the entry, the program) vs the program --version",
			A: plugin("limactl logkeep --version", "entry"), B: versionDirect, Runs: e.runs(41), Warmup: 3},
		pair{ID: "install-plugin-call-earlier", Title: "7. the plugin call: limactl logkeep --version, this layout vs the earlier one (limactl runs the program found in bin)",
			A: plugin("limactl logkeep --version", "entry"), B: plugin("limactl logkeep --version, earlier layout", "earlier"), Runs: e.runs(41), Warmup: 3},
	)
	if err := discovery(e, prefix); err != nil {
		return err
	}
	results, err := measureAll(e.Results, pairs...)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.ID == "install-entry" {
			return record(e.Results, result{ID: "install-entry-added", Title: "7. what the plugin entry adds to a command (from the pair above)",
				Text: fmt.Sprintf("   median %s wall, %s CPU over the program's own --version (%s): sh's start-up, the\n"+
					"   entry's few lines (a stat of the program), one more exec\n",
					ms(summarize(r.A).Median-summarize(r.B).Median), ms(summarizeCPU(r.A).Median-summarizeCPU(r.B).Median), ms(summarize(r.B).Median))})
		}
	}
	return nil
}

// discovery records how long Lima 2.2's own plugin discovery (pkg/plugins.Discover, run at every
// limactl start) takes in each layout, timed inside the process by the discover helper, so that
// process start-up and scheduling add no noise: the layouts in turn, runs times each. PATH holds
// only the prefix's bin: the directories of a real PATH cost every layout the same.
func discovery(e env, prefix map[string]string) error {
	layouts := []string{"without", "entry", "earlier", "onepath"}
	took := map[string][]float64{}
	found := map[string]string{}
	runs := e.runs(101)
	for i := -3; i < runs; i++ {
		for _, name := range layouts {
			cmd := exec.Command(filepath.Join(e.Tools, "discover"), filepath.Join(prefix[name], "bin", "limactl"))
			cmd.Env = append(os.Environ(), "PATH="+filepath.Join(prefix[name], "bin"))
			out, err := cmd.Output()
			if err != nil {
				return fmt.Errorf("discover in %s: %w", name, err)
			}
			var ns float64
			var n string
			if _, err := fmt.Sscan(string(out), &ns, &n); err != nil {
				return fmt.Errorf("discover in %s printed %q: %w", name, out, err)
			}
			if i >= 0 {
				took[name] = append(took[name], ns)
				found[name] = n
			}
		}
	}
	base := median(took["without"])
	var b strings.Builder
	fmt.Fprintf(&b, "   median of %d runs each, in-process (no start-up); PATH only the prefix's bin (each PATH\n"+
		"   directory adds the same to every layout: /usr/bin and /bin add about 1.5 ms here):\n", runs)
	label := map[string]string{"without": "without logkeep", "entry": "logkeep installed (the entry)",
		"earlier": "the earlier layout", "onepath": "the program in bin only"}
	for _, name := range layouts {
		m := median(took[name])
		fmt.Fprintf(&b, "   %-30s %8.3f ms  (%+.3f ms; %s plugin found)\n", label[name], m/1e6, (m-base)/1e6, found[name])
	}
	return record(e.Results, result{ID: "install-discovery", Title: "7. Lima 2.2's plugin discovery alone (pkg/plugins.Discover) in each layout",
		Text: b.String()})
}

// earlierLayout puts into prefix what `make install` installed before the plugin entry: the
// program in bin, links to it in libexec/lima and lib/lima, and the wrapper a link to it.
func earlierLayout(program, prefix string) error {
	for _, d := range []string{"libexec/lima", "lib/lima", "libexec/limactl-logkeep"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			return err
		}
	}
	if err := copyFile(program, filepath.Join(prefix, "bin", "limactl-logkeep")); err != nil {
		return err
	}
	for _, l := range []string{"libexec/lima/limactl-logkeep", "lib/lima/limactl-logkeep", "libexec/limactl-logkeep/limactl"} {
		if err := os.Symlink("../../bin/limactl-logkeep", filepath.Join(prefix, l)); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies the executable src to dst.
func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}
