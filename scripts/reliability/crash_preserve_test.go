// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/logfile"
)

// crashTrials is the number of SIGKILL trials per crash scenario (the issue asks for at least 200).
const crashTrials = 200

// TestCrashDuringPreserveSameFS kills the preserving process at random moments while it renames
// logs into a new set on the same filesystem.
func TestCrashDuringPreserveSameFS(t *testing.T) {
	disk := t.TempDir()
	crashPreserve(t, "1 crash: preserve, same fs (rename)", func(i int) (src, dest string) {
		return disk, disk
	}, 12, 30, 0.03)
}

// TestCrashDuringPreserveCrossFS kills the preserving process at random moments while it copies
// logs across filesystems (tmpfs /dev/shm and disk, both directions), where MoveFile falls back to
// copy, fsync, rename into place, remove the source.
func TestCrashDuringPreserveCrossFS(t *testing.T) {
	disk, shm := t.TempDir(), shmDir(t)
	requireOtherFS(t, disk, shm)
	crashPreserve(t, "1 crash: preserve, cross fs (copy)", func(i int) (src, dest string) {
		if i%4 == 3 {
			return disk, shm // a quarter disk -> tmpfs, the rest tmpfs -> disk (fsync makes it slow)
		}
		return shm, disk
	}, 3, 10, 0.08)
}

// crashPreserve runs crashTrials trials of: make an instance directory with logs (minFiles to
// minFiles+spread of them, from bytes to MiB, plus one of tens of MiB with probability bigP), run
// the driver on it and SIGKILL it at a random moment, check that every log is whole in its old or
// new place and that no partial file carries a final name, then preserve again and check that the
// job is finished and every leftover cleaned up.
func crashPreserve(t *testing.T, scenario string, where func(i int) (src, dest string), minFiles, spread int, bigP float64) {
	ta := newTally(t, scenario)
	killed := 0
	defer func() { ta.done(fmt.Sprintf("%d killed mid-operation", killed)) }()
	rng := newRNG(t)

	run := func(label string, p *preserveCase, delay time.Duration) killOutcome {
		o := runAndKill(t, "preserve", driverArgs{Dir: p.src, Dest: p.dest, Copy: []string{"lima.yaml"}}, delay)
		tr := &trial{}
		if o.interrupted {
			killed++
		} else if o.opErr != "" {
			tr.fail("preserve failed without a fault: %s", o.opErr)
		}
		p.check(t, tr, false)
		p.recover(tr)
		p.check(t, tr, true)
		ta.add(label, tr)
		p.cleanup()
		return o
	}

	// Calibration: two runs that are not killed tell how long files and bytes take.
	var est estimator
	srcP, destP := where(0)
	small := newPreserveCase(t, rng, srcP, destP, 30, 0)
	oSmall := run("calibration-files", small, -1)
	srcP, destP = where(1)
	big := newPreserveCase(t, rng, srcP, destP, 0, 2)
	oBig := run("calibration-bytes", big, -1)
	est.perFile = float64(oSmall.took) / 30
	est.perByte = max(0, float64(oBig.took)-2*est.perFile) / float64(big.bytes)
	t.Logf("%s: calibration: %v for 30 small files, %v for %d bytes", scenario, oSmall.took, oBig.took, big.bytes)

	for i := range crashTrials {
		src, dest := where(i)
		bigs := 0
		if rng.Float64() < bigP {
			bigs = 1
		}
		p := newPreserveCase(t, rng, src, dest, minFiles+rng.IntN(spread+1), bigs)
		predicted := est.predict(len(p.logs), p.bytes)
		delay := time.Duration(rng.Int64N(int64(predicted)*5/4 + 1))
		o := run(fmt.Sprintf("%d (%d logs, %d bytes, kill after %v)", i, len(p.logs), p.bytes, delay), p, delay)
		if !o.interrupted {
			est.learn(o.took, predicted)
		}
	}
}

// preserveCase is one instance directory to preserve and what it held.
type preserveCase struct {
	t       *testing.T
	root    string // removed by cleanup
	src     string // the instance directory
	dest    string // the set parent, <logs-dir>/<instance>
	secret  string // a file outside, target of a symbolic link named like a log
	logs    map[string]original
	bytes   int64
	keep    map[string]entry // non-log files of src that must never change
	secrets map[string]entry
}

// newPreserveCase makes an instance directory under srcParent holding n logs of random sizes
// (sizes from randomSize, plus bigs files of tens of MiB), lima.yaml, a disk image, a symbolic link and
// a directory named like logs; the sets go under destParent.
func newPreserveCase(t *testing.T, rng *rand.Rand, srcParent, destParent string, n, bigs int) *preserveCase {
	t.Helper()
	root, err := os.MkdirTemp(srcParent, "case-")
	require.NoError(t, err)
	destRoot, err := os.MkdirTemp(destParent, "logs-")
	require.NoError(t, err)
	p := &preserveCase{t: t, root: root, src: filepath.Join(root, "vm"), dest: filepath.Join(destRoot, "vm"),
		secret: filepath.Join(root, "secret.log"), logs: map[string]original{}}
	t.Cleanup(func() { os.RemoveAll(destRoot) })
	require.NoError(t, os.Mkdir(p.src, 0o755))
	pool := []string{"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log"}
	modes := []fs.FileMode{0o600, 0o640, 0o644, 0o444}
	for i := 0; len(p.logs) < n+bigs; i++ {
		var name string
		switch {
		case i < len(pool):
			name = pool[i]
		case i%5 == 0:
			name = fmt.Sprintf("serial.%d.log.gz", i)
		default:
			name = fmt.Sprintf("%s.%d.log", pool[i%len(pool)][:len(pool[i%len(pool)])-4], i)
		}
		size := randomSize(rng)
		if len(p.logs) < bigs {
			size = bigSize(rng)
		}
		o := writeLog(t, filepath.Join(p.src, name), size, modes[rng.IntN(len(modes))], 0, rng)
		p.logs[name] = o
		p.bytes += size
	}
	require.NoError(t, os.WriteFile(filepath.Join(p.src, "lima.yaml"), []byte(limaYAML), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(p.src, "diffdisk"), []byte("disk image, not a log\n"), 0o644))
	require.NoError(t, os.WriteFile(p.secret, []byte("outside the instance: never followed\n"), 0o600))
	require.NoError(t, os.Symlink(p.secret, filepath.Join(p.src, "serialx.log")))
	require.NoError(t, os.Mkdir(filepath.Join(p.src, "dir.log"), 0o755))
	p.keep = snapshot(t, p.src, func(rel string) bool { _, isLog := p.logs[rel]; return isLog })
	p.secrets = snapshot(t, root, func(rel string) bool { return rel != "secret.log" })
	return p
}

// cleanup removes the case's directories.
func (p *preserveCase) cleanup() { os.RemoveAll(p.root); os.RemoveAll(filepath.Dir(p.dest)) }

// recover runs Preserve again, as the next limactl-logkeep run would; it must succeed.
func (p *preserveCase) recover(tr *trial) {
	err := logfile.WithDirLock(p.src, func() error {
		if _, err := logfile.Preserve(p.src, p.dest, logfile.PreserveOptions{Copy: []string{"lima.yaml"}}); err != nil {
			tr.fail("the next run after the crash failed: %v", err)
		}
		return nil
	})
	if err != nil {
		tr.fail("lock %s after the crash: %v", p.src, err)
	}
}

// check verifies the invariants after the crash (final false) or after the next run (final true).
func (p *preserveCase) check(t *testing.T, tr *trial, final bool) {
	found := map[string]int{}
	for name, o := range p.logs {
		path := filepath.Join(p.src, name)
		d, err := digestFile(path, false)
		switch {
		case os.IsNotExist(err):
		case err != nil || d != o.dig:
			tr.fail("source %s changed: %v", path, err)
		case final:
			tr.fail("%s is still in the instance directory after the next run", name)
			found[name]++
		default:
			found[name]++
		}
	}
	yaml := entry{mode: 0o644}
	if e, ok := p.keep["lima.yaml"]; ok {
		yaml = e
	}
	sets := listDir(t, p.dest)
	for _, set := range sets {
		dir := filepath.Join(p.dest, set)
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() || !setName.MatchString(set) {
			tr.fail("unexpected entry %s in the logs directory", dir)
			continue
		}
		if fi.Mode().Perm() != 0o700 {
			tr.fail("set %s has mode %v, want 0700", dir, fi.Mode().Perm())
		}
		names := listDir(t, dir)
		if final && len(names) == 0 {
			tr.fail("empty set directory %s left after the next run", dir)
		}
		for _, name := range names {
			path := filepath.Join(dir, name)
			o, isLog := p.logs[name]
			switch {
			case tempName.MatchString(name):
				if final {
					tr.fail("temporary file %s left after the next run", path)
				}
			case name == "lima.yaml":
				if d, err := digestFile(path, false); err != nil || d != yaml.dig {
					tr.fail("partial copy of lima.yaml under its final name %s (%v)", path, err)
				}
			case isLog:
				fi, _ := os.Lstat(path)
				d, err := digestFile(path, false)
				if err != nil || d != o.dig {
					tr.fail("PARTIAL FILE under a final name: %s (%d of %d bytes, %v)", path, d.size, o.dig.size, err)
					continue
				}
				found[name]++
				if fi.Mode().Perm() != o.mode || !fi.ModTime().Equal(o.mtime) {
					tr.fail("%s: mode %v mtime %v, want %v %v", path, fi.Mode().Perm(), fi.ModTime(), o.mode, o.mtime)
				}
			default:
				tr.fail("unexpected file %s in a set", path)
			}
		}
	}
	for name, o := range p.logs {
		if found[name] == 0 {
			tr.lose(filepath.Join(p.src, name), o.dig.size, "neither in the instance directory nor in a set")
		}
	}
	now := snapshot(t, p.src, func(rel string) bool { _, isLog := p.logs[rel]; return isLog || tempName.MatchString(rel) })
	for _, d := range diffSnapshots(p.keep, now) {
		tr.fail("instance directory, not a log: %s", d)
	}
	for _, d := range diffSnapshots(p.secrets, snapshot(t, p.root, func(rel string) bool { return rel != "secret.log" })) {
		tr.fail("file outside the instance: %s", d)
	}
}
