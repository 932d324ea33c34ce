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

	"golang.org/x/sys/unix"

	"limactl-logkeep/bench"
)

// minimalLimaYAML is a configuration Lima v1.2.1's store reads without a warning; without pid
// files the instance is Stopped.
const minimalLimaYAML = "images:\n- location: /nonexistent.img\n  arch: x86_64\nplain: true\n"

// instance writes <home>/inst: lima.yaml, the six active logs and gens generations of each.
func instance(home string, gens int, size int64) (string, error) {
	dir := filepath.Join(home, "inst")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte(minimalLimaYAML), 0o644); err != nil {
		return "", err
	}
	_, err := bench.Generations(dir, bench.LimaLogNames, gens, size)
	return dir, err
}

// fresh returns a Prep that replaces work with a copy of tmpl, removes the files listed, and
// syncs, so that no run pays for the previous run's or the copy's writeback.
func fresh(tmpl, work string, remove ...string) func() error {
	return freshCopy("-a", tmpl, work, remove...)
}

// freshLinks is fresh with hard links instead of copies, for layouts that the commands only
// rename in (never write, never remove), except for the files named in own (relative to tmpl),
// which are copied: logrotate refuses to rotate a log that has more than one link.
func freshLinks(tmpl, work string, own []string, remove ...string) func() error {
	link := freshCopy("-al", tmpl, work, remove...)
	return func() error {
		if err := link(); err != nil {
			return err
		}
		for _, f := range own {
			if err := os.Remove(filepath.Join(work, f)); err != nil {
				return err
			}
			if out, err := exec.Command("cp", "-a", filepath.Join(tmpl, f), filepath.Join(work, f)).CombinedOutput(); err != nil {
				return fmt.Errorf("cp -a %s: %w: %s", f, err, out)
			}
		}
		unix.Sync()
		return nil
	}
}

func freshCopy(how, tmpl, work string, remove ...string) func() error {
	return func() error {
		if err := os.RemoveAll(work); err != nil {
			return err
		}
		if out, err := exec.Command("cp", how, tmpl, work).CombinedOutput(); err != nil {
			return fmt.Errorf("cp -a %s %s: %w: %s", tmpl, work, err, out)
		}
		for _, f := range remove {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		unix.Sync()
		return nil
	}
}

// logrotateConf writes a logrotate configuration for the six logs of dir that keeps keep
// generations (-1: all) under the names limactl-logkeep uses ("extension .log": serial.1.log).
func logrotateConf(path, dir string, keep int) error {
	var files []string
	for _, n := range bench.LimaLogNames {
		files = append(files, filepath.Join(dir, n))
	}
	conf := fmt.Sprintf("%s {\n    rotate %d\n    missingok\n    nocompress\n    extension .log\n}\n", strings.Join(files, " "), keep)
	return os.WriteFile(path, []byte(conf), 0o644)
}

// expectFiles returns a Check that the files named exist in dir and the ones after "!" do not.
func expectFiles(dir string, present, absent []string) func() error {
	return func() error {
		for _, f := range present {
			if _, err := os.Lstat(filepath.Join(dir, f)); err != nil {
				return err
			}
		}
		for _, f := range absent {
			if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
				return fmt.Errorf("%s still exists", filepath.Join(dir, f))
			}
		}
		return nil
	}
}

// genNames returns "<base>.<n>.log" of the six logs.
func genNames(n int) []string {
	var out []string
	for _, name := range bench.LimaLogNames {
		out = append(out, fmt.Sprintf("%s.%d.log", strings.TrimSuffix(name, ".log"), n))
	}
	return out
}

func lookPath(name string, fallback ...string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range fallback {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return name
}

// rotationPair sets up the pair for an instance with gens generations: limactl-logkeep rotate
// (pruning to five, or keeping all) against logrotate -f with the same retention.
func rotationPair(e env, id string, gens int, size int64, keepAll bool) (pair, error) {
	dir := filepath.Join(e.Work, id)
	tmpl, work := filepath.Join(dir, "template"), filepath.Join(dir, "work")
	if _, err := instance(tmpl, gens, size); err != nil {
		return pair{}, err
	}
	inst := filepath.Join(work, "inst")
	conf, state := filepath.Join(dir, "logrotate.conf"), filepath.Join(dir, "logrotate.state")
	keep, args := 5, []string{e.Logkeep, "rotate", "inst"}
	lkCheck := expectFiles(inst, genNames(gens+1), append(genNames(1), bench.LimaLogNames...))
	lrCheck := expectFiles(inst, genNames(1), append(genNames(gens+1), bench.LimaLogNames...))
	if keepAll {
		keep, args = -1, []string{e.Logkeep, "--keep-logs", "rotate", "inst"}
		lkCheck = expectFiles(inst, append(genNames(1), genNames(gens+1)...), bench.LimaLogNames)
		lrCheck = expectFiles(inst, append(genNames(1), genNames(gens+1)...), bench.LimaLogNames)
	}
	if err := logrotateConf(conf, inst, keep); err != nil {
		return pair{}, err
	}
	prep := fresh(tmpl, work, state)
	if keepAll { // nothing is removed or written: hard links make the 60,000-file copies cheap
		var active []string
		for _, n := range bench.LimaLogNames {
			active = append(active, filepath.Join("inst", n))
		}
		prep = freshLinks(tmpl, work, active, state)
	}
	return pair{
		ID: id,
		A: side{Label: "limactl-logkeep " + strings.Join(args[1:], " "), Argv: args, Prep: prep, Check: lkCheck,
			Env: []string{"LIMA_HOME=" + work, "LIMACTL=" + lookPath("true")}},
		B: side{Label: "logrotate -f", Argv: []string{lookPath("logrotate", "/usr/sbin/logrotate"), "-f", "-s", state, conf},
			Prep: prep, Check: lrCheck},
	}, nil
}

// rotation is target 1: a typical instance, six logs of 200 KiB and five generations each.
func rotation(e env) error {
	p, err := rotationPair(e, "rotation-typical", 5, 200<<10, false)
	if err != nil {
		return err
	}
	p.Title = "1. rotation, typical (6 logs x 200 KiB + 5 generations each, prune to 5)"
	p.Runs, p.Warmup, p.Limit = e.runs(31), 3, 1.0
	// The floor: the same rotation by logfile.Rotate alone in a minimal Go program.
	floor := p
	floor.ID, floor.Limit = "rotation-floor", 0
	floor.Title = "1. floor: logfile.Rotate alone in a minimal Go program (no CLI, logging, lock or status check)"
	floor.A = side{Label: "mover rotate (logfile.Rotate)", Argv: append([]string{filepath.Join(e.Tools, "mover"), "rotate",
		filepath.Join(e.Work, "rotation-typical", "work", "inst"), "5"}, bench.LimaLogNames...), Prep: p.A.Prep, Check: p.A.Check}
	_, err = measureAll(e.Results, p, floor)
	return err
}
