// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// lima is target 3, run as the non-root test user (limactl refuses root): `limactl-logkeep wrap
// list` against `limactl list` with three created (stopped) instances, and `limactl-logkeep start`
// against `limactl start` on the running tiny test VM.
func lima(e env) error {
	if e.Limactl == "" {
		return fmt.Errorf("-limactl (Lima's real limactl) is required")
	}
	home := filepath.Join(e.Work, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	limaEnv := []string{"LIMA_HOME=" + home}
	limactl := func(timeout time.Duration, args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, e.Limactl, append([]string{"--tty=false"}, args...)...)
		cmd.Env = append(os.Environ(), limaEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("limactl %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	image, tmpl := filepath.Join(e.Work, "empty.img"), filepath.Join(e.Work, "stopped.yaml")
	if err := os.WriteFile(image, nil, 0o644); err != nil {
		return err
	}
	yaml := "images:\n- location: " + image + "\n  arch: x86_64\nplain: true\n"
	if err := os.WriteFile(tmpl, []byte(yaml), 0o644); err != nil {
		return err
	}
	for _, name := range []string{"vm1", "vm2", "vm3"} {
		if err := limactl(time.Minute, "create", "--name", name, tmpl); err != nil {
			return err
		}
	}
	list := pair{ID: "passthrough-list", Title: "3. pass-through: limactl-logkeep wrap list vs limactl list (3 stopped instances)",
		A:    side{Label: "limactl-logkeep wrap list", Argv: []string{e.Logkeep, "wrap", "list"}, Env: append(limaEnv, "LIMACTL="+e.Limactl)},
		B:    side{Label: "limactl list", Argv: []string{e.Limactl, "list"}, Env: limaEnv},
		Runs: e.runs(41), Warmup: 3, Limit: 1.05}
	floor := list
	floor.ID, floor.Limit = "passthrough-floor", 0
	floor.Title = "3. floor: a Go program that only execs limactl (execonly) vs limactl list"
	floor.A = side{Label: "execonly limactl list", Argv: []string{filepath.Join(e.Tools, "execonly"), e.Limactl, "list"}, Env: limaEnv}
	binShim, err := binaryShimPair(e, list)
	if err != nil {
		return err
	}
	if _, err := measureAll(e.Results, list, binShim, floor); err != nil {
		return err
	}
	return startRunning(e, limaEnv, limactl)
}

// startRunning boots the tiny test VM and compares starting it again through limactl-logkeep and
// through limactl, both of which only say it is already running.
func startRunning(e env, limaEnv []string, limactl func(time.Duration, ...string) error) error {
	const id, title = "passthrough-start", "3. pass-through: limactl-logkeep start vs limactl start, instance already running"
	tiny := os.Getenv("LOGKEEP_TINY_YAML")
	if _, err := os.Stat(tiny); tiny == "" || err != nil || os.Getenv("QEMU_SYSTEM_X86_64") == "" {
		return record(e.Results, result{ID: id, Title: title, Limit: 1.2,
			Skipped: "the tiny test VM is not set up (LOGKEEP_TINY_YAML, QEMU_SYSTEM_X86_64 from scripts/setup.sh --print-env)"})
	}
	began := time.Now()
	err := limactl(5*time.Minute, "start", "--name", "tiny", tiny)
	boot := time.Since(began)
	defer limactl(time.Minute, "stop", "--force", "tiny")
	if err != nil {
		return record(e.Results, result{ID: id, Title: title, Limit: 1.2, Skipped: "the tiny VM did not start: " + err.Error()})
	}
	dir := filepath.Join(strings.TrimPrefix(limaEnv[0], "LIMA_HOME="), "tiny")
	untouched := expectFiles(dir, []string{"serial.log", "ha.pid"}, genNames(1))
	p := pair{ID: id, Title: title,
		A: side{Label: "limactl-logkeep start tiny", Argv: []string{e.Logkeep, "start", "tiny", "--tty=false"},
			Env: append(limaEnv, "LIMACTL="+e.Limactl), Check: untouched},
		B:    side{Label: "limactl start tiny", Argv: []string{e.Limactl, "start", "tiny", "--tty=false"}, Env: limaEnv, Check: untouched},
		Runs: e.runs(31), Warmup: 3, Limit: 1.2}
	r, err := p.measure()
	if err != nil {
		return err
	}
	r.Note = fmt.Sprintf("(the tiny VM took %.1f s to boot to Running)", boot.Seconds())
	if err := record(e.Results, r); err != nil {
		return err
	}
	return shellRunning(e, limaEnv, untouched)
}

// shellRunning compares `limactl shell tiny true` on the running tiny VM through the drop-in
// wrapper (limactl-logkeep linked as limactl first on PATH, the directory binaryShimPair made, as
// `make install` lays it out) with the real limactl given the same PATH but for that directory:
// Lima's most frequent command, on which the shell hook now looks at the instance. (A directory
// holding the 8 MB limactl-logkeep on PATH would cost both sides alike: Lima 2.2 reads every
// limactl-* plugin file whole at each command, see bench/FINDINGS.md.)
func shellRunning(e env, limaEnv []string, untouched func() error) error {
	shimDir := filepath.Join(e.Work, "binshim")
	path := filepath.Dir(e.Limactl) + string(os.PathListSeparator) + os.Getenv("PATH")
	p := pair{ID: "passthrough-shell", Title: "3. shell: limactl shell tiny true through the drop-in wrapper vs limactl, instance running",
		A: side{Label: "wrapper: limactl shell tiny true", Argv: []string{filepath.Join(shimDir, "limactl"), "shell", "tiny", "true"},
			Env: append(limaEnv, "PATH="+shimDir+string(os.PathListSeparator)+path), Check: untouched},
		B: side{Label: "limactl shell tiny true", Argv: []string{e.Limactl, "shell", "tiny", "true"},
			Env: append(limaEnv, "PATH="+path), Check: untouched},
		Runs: e.runs(31), Warmup: 3, Limit: 1.03}
	r, err := p.measure()
	if err != nil {
		return err
	}
	return record(e.Results, r)
}

// binaryShimPair is list through the binary shim: limactl-logkeep linked as limactl in a directory
// first on PATH (as `make install` puts it) and the real limactl's directory after it, so the
// lookup (with LIMACTL unset, as scripts/bench.sh leaves it) skips the link, which is the running
// executable, and finds the real limactl on PATH; against the real `limactl list`.
func binaryShimPair(e env, list pair) (pair, error) {
	dir := filepath.Join(e.Work, "binshim")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pair{}, err
	}
	if err := os.Symlink(e.Logkeep, filepath.Join(dir, "limactl")); err != nil {
		return pair{}, err
	}
	path := dir + string(os.PathListSeparator) + filepath.Dir(e.Limactl) + string(os.PathListSeparator) + os.Getenv("PATH")
	p := list
	p.ID = "passthrough-list-binshim"
	p.Title = "3. pass-through: limactl list through the binary shim (limactl-logkeep linked as limactl, first on PATH) vs limactl list"
	p.A = side{Label: "binary shim: limactl list", Argv: []string{filepath.Join(dir, "limactl"), "list"},
		Env: append(slices.Clone(list.B.Env), "PATH="+path)}
	return p, nil
}
