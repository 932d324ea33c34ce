// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
)

// collect is target 6: `limactl-logkeep collect` of an instance holding 1 GiB of logs against
// `tar czf` of the same files. It is recorded as not run while the command does not exist.
func collect(e env) error {
	const id = "collect"
	title := "6. collect of 1 GiB of logs vs tar czf"
	if err := exec.Command(e.Logkeep, "collect", "--help").Run(); err != nil {
		return record(e.Results, result{ID: id, Title: title, Limit: 1.1,
			Skipped: "limactl-logkeep has no collect command yet (`collect --help` failed); the harness is ready"})
	}
	total := int64(1 << 30)
	if e.Quick {
		total = 64 << 20
	}
	title = "6. collect of " + mib(total) + " of logs (36 files) vs tar czf"
	home := filepath.Join(e.Work, "collect", "home")
	dir, err := instance(home, 5, total/36)
	if err != nil {
		return err
	}
	out := filepath.Join(e.Work, "collect", "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	bundle, tarball := filepath.Join(out, "bundle.tar.gz"), filepath.Join(out, "tar.tar.gz")
	prep := func() error {
		os.Remove(bundle)
		os.Remove(tarball)
		return nil
	}
	made := func(path string) func() error {
		return func() error { _, err := os.Stat(path); return err }
	}
	p := pair{ID: id, Title: title, Runs: e.runs(5), Warmup: 1, Limit: 1.1,
		A: side{Label: "limactl-logkeep collect -o FILE inst", Argv: []string{e.Logkeep, "collect", "-o", bundle, "--force", "inst"},
			Env:  []string{"LIMA_HOME=" + home, "LIMA_LOGKEEP_DIR=" + filepath.Join(e.Work, "collect", "kept"), "LIMACTL=" + e.Limactl},
			Prep: prep, Check: made(bundle)},
		B: side{Label: "tar czf FILE inst", Argv: []string{lookPath("tar"), "czf", tarball, "-C", filepath.Dir(dir), "inst"},
			Prep: prep, Check: made(tarball)},
	}
	r, err := p.measure()
	if err != nil {
		return err
	}
	return record(e.Results, r)
}
