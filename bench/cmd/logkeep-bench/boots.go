// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// bootsGenerations is the history `boots` is measured on.
const bootsGenerations = 10000

// boots is target 7: `limactl-logkeep boots` on an instance with 10,000 generations, which now
// reads every boot's outcome from its host agent events, against the same command of the build
// before outcomes existed (the baseline bench.sh builds from a pinned commit): at most twice its
// time. Every tenth boot failed, so its ha.stderr.log is read too.
func boots(e env) error {
	const id = "boots-outcomes"
	title := fmt.Sprintf("7. boots on %d generations, reading each boot's outcome, vs the build before outcomes", bootsGenerations)
	if e.Baseline == "" {
		return record(e.Results, result{ID: id, Title: title, Limit: 2,
			Skipped: "no baseline build (bench.sh builds it from git; is this a git checkout?)"})
	}
	home := filepath.Join(e.Work, "boots", "home")
	if err := bootsLayout(e, filepath.Join(home, "inst"), bootsGenerations); err != nil {
		return err
	}
	env := []string{"LIMA_HOME=" + home, "LIMACTL=" + lookPath("true")}
	if err := checkBoots(e.Logkeep, env); err != nil {
		return err
	}
	p := pair{ID: id, Title: title, Runs: e.runs(11), Warmup: 1, Limit: 2,
		A: side{Label: "limactl-logkeep boots inst", Argv: []string{e.Logkeep, "boots", "inst"}, Env: env},
		B: side{Label: "the baseline's boots inst", Argv: []string{e.Baseline, "boots", "inst"}, Env: env},
	}
	r, err := p.measure()
	if err != nil {
		return err
	}
	return record(e.Results, r)
}

// bootsLayout writes an instance directory with gens generations of the tiny guest's logs as
// the real Lima v2.2.0 wrote them (the samples of limaadapter/testdata/hostagent): every tenth
// boot failed (QEMU killed), the others were ready; the consoles are 24 KiB.
func bootsLayout(e env, dir string, gens int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sample := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(e.Repo, "limaadapter", "testdata", "hostagent", "v2.2.0", name))
	}
	files := map[string][]byte{}
	for _, name := range []string{"ready.ha.stdout.log", "ready.ha.stderr.log", "failed.ha.stdout.log", "failed.ha.stderr.log"} {
		b, err := sample(name)
		if err != nil {
			return err
		}
		files[name] = b
	}
	console := bytes.Repeat([]byte("[    1.234567] a console line of the tiny guest's kernel\n"), 420)
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	if err := write("lima.yaml", []byte(minimalLimaYAML)); err != nil {
		return err
	}
	for n := 1; n <= gens; n++ {
		kind := "ready"
		if n%10 == 0 {
			kind = "failed"
		}
		for name, data := range map[string][]byte{
			fmt.Sprintf("serial.%d.log", n):    console,
			fmt.Sprintf("serialv.%d.log", n):   nil,
			fmt.Sprintf("ha.stdout.%d.log", n): files[kind+".ha.stdout.log"],
			fmt.Sprintf("ha.stderr.%d.log", n): files[kind+".ha.stderr.log"],
		} {
			if err := write(name, data); err != nil {
				return err
			}
		}
	}
	for name, data := range map[string][]byte{"serial.log": console, "serialv.log": nil,
		"ha.stdout.log": files["ready.ha.stdout.log"], "ha.stderr.log": files["ready.ha.stderr.log"]} {
		if err := write(name, data); err != nil {
			return err
		}
	}
	return nil
}

// checkBoots checks once that `boots` lists every boot with the outcome it should read.
func checkBoots(logkeep string, env []string) error {
	cmd := exec.Command(logkeep, "boots", "inst")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("limactl-logkeep boots inst: %w", err)
	}
	failed, ready := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		switch f := strings.Fields(line); {
		case len(f) > 2 && f[2] == "failed":
			failed++
		case len(f) > 2 && f[2] == "ready":
			ready++
		}
	}
	if failed != bootsGenerations/10 || ready != bootsGenerations+1-failed {
		return fmt.Errorf("boots inst read %d failed and %d ready boots, want %d and %d", failed, ready, bootsGenerations/10, bootsGenerations+1-bootsGenerations/10)
	}
	return nil
}
