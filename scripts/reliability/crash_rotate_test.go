// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/logfile"
)

// activeNames are Lima's six active logs, as limactl-logkeep rotates them.
var activeNames = []string{"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log"}

// Boot numbers of the active logs: the boot that was running before the crashed rotation, and the
// one after it. Old generations belong to the boot numbered like them.
const (
	bootCrashed = 1000
	bootNext    = 1001
)

// TestCrashDuringRotate kills the rotating process at random moments (renaming, pruning,
// compressing), then checks that no log is lost (beyond what --max-backups allows to prune), that
// no partial file carries a final name, that no generation number holds two boots' logs, and that
// the next rotations finish the job and clean up.
func TestCrashDuringRotate(t *testing.T) {
	ta := newTally(t, "2 crash: rotate (rename, prune, gzip)")
	killed, split := 0, 0
	defer func() { ta.done(fmt.Sprintf("%d killed mid-operation, %d between two renames", killed, split)) }()
	rng := newRNG(t)
	parent := t.TempDir()

	run := func(label string, c *rotateCase, delay time.Duration) killOutcome {
		o := runAndKill(t, "rotate", c.args, delay)
		tr := &trial{}
		if o.interrupted {
			killed++
		} else if o.opErr != "" {
			tr.fail("rotate failed without a fault: %s", o.opErr)
		}
		c.afterCrash(t, tr)
		if c.split {
			split++
		}
		ta.add(label, tr)
		os.RemoveAll(c.root)
		return o
	}

	var est estimator
	calFiles := newRotateCase(t, rng, parent, rotateShape{actives: 6})
	oFiles := run("calibration-files", calFiles, -1)
	calBytes := newRotateCase(t, rng, parent, rotateShape{actives: 1, compress: true, keepAll: true, oldBytes: 16 << 20})
	oBytes := run("calibration-bytes", calBytes, -1)
	est.perFile = float64(oFiles.took) / 6
	est.perByte = max(0, float64(oBytes.took)-est.perFile) / float64(max(calBytes.compressBytes, 1))
	t.Logf("calibration: %v for 6 renames, %v to gzip %d bytes", oFiles.took, oBytes.took, calBytes.compressBytes)

	for i := range crashTrials {
		shape := rotateShape{actives: rng.IntN(7), compress: rng.IntN(2) == 0, keepAll: rng.IntN(5) < 2,
			maxBackups: 1 + rng.IntN(5), oldGens: rng.IntN(7), foreignN: rng.IntN(5) == 0}
		if rng.Float64() < 0.05 {
			shape.oldBytes = bigSize(rng) / 3
		}
		c := newRotateCase(t, rng, parent, shape)
		predicted := est.predict(shape.actives+1, c.compressBytes)
		delay := time.Duration(rng.Int64N(int64(predicted)*5/4 + 1))
		o := run(fmt.Sprintf("%d (%+v, kill after %v)", i, shape, delay), c, delay)
		if !o.interrupted {
			est.learn(o.took, predicted)
		}
	}
}

// rotateShape says what a rotation trial's directory holds and how it is rotated.
type rotateShape struct {
	actives    int   // number of active logs (0 to 6)
	oldGens    int   // number of old generations
	oldBytes   int64 // when > 0, the size of one big old generation file
	foreignN   bool  // a foreign "other.<N>.log" above the highest generation
	keepAll    bool
	maxBackups int
	compress   bool
	small      bool // logs of at most 64 KiB (few system calls each)
}

// rotOrig is an original log of a rotation trial and where it is now.
type rotOrig struct {
	original
	base string
	n    int  // its generation number; 0 while it is an active log
	gone bool // pruned, as --max-backups allows
}

// rotateCase is one instance directory to rotate.
type rotateCase struct {
	root          string
	dir           string
	args          driverArgs
	origs         []*rotOrig
	foreign       map[string]entry
	oldNs         []int       // the generation numbers before the crashed rotation
	n1            int         // the generation number the crashed rotation uses
	bootOf        map[int]int // generation number -> boot, as seen so far
	compressBytes int64       // bytes the crashed rotation may gzip
	split         bool        // the crash came between two renames: the boot spans two generations
	rng           *rand.Rand
}

func newRotateCase(t *testing.T, rng *rand.Rand, parent string, s rotateShape) *rotateCase {
	t.Helper()
	root, err := os.MkdirTemp(parent, "rot-")
	require.NoError(t, err)
	c := &rotateCase{root: root, dir: filepath.Join(root, "vm"), bootOf: map[int]int{}, rng: rng,
		args: driverArgs{Names: activeNames, MaxBackups: max(s.maxBackups, 1), KeepAll: s.keepAll, Compress: s.compress}}
	c.args.Dir = c.dir
	require.NoError(t, os.Mkdir(c.dir, 0o755))
	n := 1 + rng.IntN(3)
	highest := 0
	for g := range s.oldGens {
		bases := rng.Perm(len(activeNames))[:1+rng.IntN(len(activeNames))]
		for j, b := range bases {
			base := strings.TrimSuffix(activeNames[b], ".log")
			size := randomSize(rng)
			if s.small {
				size %= 64 << 10
			}
			if g == 0 && j == 0 && s.oldBytes > 0 {
				size = s.oldBytes
			}
			c.add(t, fmt.Sprintf("%s.%d.log", base, n), base, n, n, size)
			if s.compress {
				c.compressBytes += size
			}
		}
		highest = n
		n += 1 + rng.IntN(2) // sometimes a gap
	}
	if s.oldGens == 0 && s.oldBytes > 0 { // calibration: a big old generation to gzip
		c.add(t, "serial.1.log", "serial", 1, 1, s.oldBytes)
		c.compressBytes += s.oldBytes
		highest = 1
	}
	foreign := map[string]string{"lima.yaml": limaYAML, "serial.log.bak": "not a log\n", "notes.txt": "x\n"}
	if s.foreignN {
		highest += 1 + rng.IntN(3)
		foreign[fmt.Sprintf("other.%d.log", highest)] = "another program's log\n"
	}
	for name, content := range foreign {
		require.NoError(t, os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o644))
	}
	c.foreign = snapshot(t, c.dir, func(rel string) bool { _, ok := foreign[rel]; return !ok })
	for _, i := range rng.Perm(len(activeNames))[:s.actives] {
		name := activeNames[i]
		size := randomSize(rng)
		if s.small {
			size %= 64 << 10
		}
		c.add(t, name, strings.TrimSuffix(name, ".log"), 0, bootCrashed, size)
	}
	c.n1 = highest + 1
	c.oldNs = c.ourNs(t)
	return c
}

// add writes one original log.
func (c *rotateCase) add(t *testing.T, name, base string, n, boot int, size int64) {
	o := writeLog(t, filepath.Join(c.dir, name), size, 0o644, boot, c.rng)
	c.origs = append(c.origs, &rotOrig{original: o, base: base, n: n})
	if n > 0 {
		c.bootOf[n] = boot
	}
}

// afterCrash checks the directory after the killed rotation, then runs the next rotation (the
// retried start), checks, writes the logs of the next boot, rotates again and checks once more.
func (c *rotateCase) afterCrash(t *testing.T, tr *trial) {
	c.check(t, tr, "after the crash", c.prunable(append(c.oldNs, c.n1), true), []int{c.n1}, false)
	var renamed, active bool
	for _, o := range c.origs {
		if o.boot == bootCrashed && !o.gone {
			renamed, active = renamed || o.n != 0, active || o.n == 0
		}
	}
	c.split = renamed && active

	before := c.ourNs(t)
	res, err := c.rotate()
	if err != nil {
		tr.fail("the next rotation after the crash failed: %v", err)
		return
	}
	c.check(t, tr, "after the next rotation", c.prunable(append(before, res.Generation), res.Generation > 0),
		[]int{c.n1, res.Generation}, false)

	k := 1 + c.rng.IntN(len(activeNames))
	for _, i := range c.rng.Perm(len(activeNames))[:k] {
		name := activeNames[i]
		c.add(t, name, strings.TrimSuffix(name, ".log"), 0, bootNext, randomSize(c.rng))
	}
	before = c.ourNs(t)
	res, err = c.rotate()
	if err != nil {
		tr.fail("the rotation after the next boot failed: %v", err)
		return
	}
	if res.Generation == 0 {
		tr.fail("the rotation after the next boot renamed nothing")
	}
	c.check(t, tr, "after the next boot's rotation", c.prunable(append(before, res.Generation), true),
		[]int{res.Generation}, true)
	for _, o := range c.origs {
		if !o.gone && o.boot == bootNext && o.n != res.Generation {
			tr.fail("%s of the next boot is not in generation %d", o.name, res.Generation)
		}
	}
}

// rotate runs Rotate in this process, under the directory lock, as the next run would.
func (c *rotateCase) rotate() (res logfile.RotateResult, err error) {
	lockErr := logfile.WithDirLock(c.dir, func() error {
		res, err = logfile.Rotate(c.dir, logfile.RotateOptions{Names: activeNames, MaxBackups: c.args.MaxBackups,
			KeepAll: c.args.KeepAll, Compress: c.args.Compress})
		return nil
	})
	if lockErr != nil {
		return res, lockErr
	}
	return res, err
}

// ourNs returns the distinct generation numbers of the active logs' bases present in the directory.
func (c *rotateCase) ourNs(t *testing.T) []int {
	var ns []int
	for _, name := range listDir(t, c.dir) {
		if g, ok := logfile.ParseGeneration(name); ok && slices.Contains(activeNames, g.Base+".log") {
			if fi, err := os.Lstat(filepath.Join(c.dir, name)); err == nil && fi.Mode().IsRegular() && !slices.Contains(ns, g.N) {
				ns = append(ns, g.N)
			}
		}
	}
	return ns
}

// prunable returns the generation numbers a rotation that ends with the generations ns may prune
// (all but the newest MaxBackups distinct ones), or none when it does not prune.
func (c *rotateCase) prunable(ns []int, prunes bool) []int {
	if c.args.KeepAll || !prunes {
		return nil
	}
	ns = slices.Compact(slices.Sorted(slices.Values(ns)))
	if len(ns) <= c.args.MaxBackups {
		return nil
	}
	return ns[:len(ns)-c.args.MaxBackups]
}

// check verifies the directory at one stage. prunable are the generation numbers the stage may
// have pruned; newNs the numbers an active log may have been renamed to; final is the stage after
// which everything must be complete.
func (c *rotateCase) check(t *testing.T, tr *trial, stage string, prunable, newNs []int, final bool) {
	byDigest := map[digest][]*rotOrig{}
	for _, o := range c.origs {
		byDigest[o.dig] = append(byDigest[o.dig], o)
	}
	found := map[*rotOrig]int{} // -> generation number where found (0: active)
	seen := map[*rotOrig]bool{}
	var plain []logfile.GenerationName
	gzipped := map[int]bool{}
	for _, name := range listDir(t, c.dir) {
		path := filepath.Join(c.dir, name)
		g, isGen := logfile.ParseGeneration(name)
		ours := isGen && slices.Contains(activeNames, g.Base+".log")
		switch {
		case slices.Contains(activeNames, name):
			d, err := digestFile(path, false)
			o := match(byDigest[d], strings.TrimSuffix(name, ".log"), 0)
			if err != nil || o == nil || o.n != 0 {
				tr.fail("%s: active log %s is not an untouched original (%v)", stage, name, err)
				continue
			}
			found[o], seen[o] = 0, true
		case ours:
			d, err := digestFile(path, g.Compressed)
			o := match(byDigest[d], g.Base, g.N)
			if err != nil || o == nil {
				tr.fail("%s: PARTIAL OR FOREIGN FILE under the final name %s (%d bytes, %v)", stage, name, d.size, err)
				continue
			}
			if b, ok := c.bootOf[g.N]; ok && b != o.boot {
				tr.fail("%s: generation %d holds logs of boot %d and boot %d (%s)", stage, g.N, b, o.boot, name)
			}
			c.bootOf[g.N] = o.boot
			if o.n != 0 && o.n != g.N || o.n == 0 && !slices.Contains(newNs, g.N) {
				tr.fail("%s: %s holds %s, which belongs in generation %d", stage, name, o.name, o.n)
			}
			found[o], seen[o] = g.N, true
			if g.Compressed {
				gzipped[g.N] = true
			} else {
				plain = append(plain, g)
			}
		case tempName.MatchString(name):
			if final {
				tr.fail("%s: temporary file %s left", stage, name)
			}
		default:
			if _, ok := c.foreign[name]; !ok {
				tr.fail("%s: unexpected file %s", stage, name)
			}
		}
	}
	for _, o := range c.origs {
		if o.gone {
			continue
		}
		if !seen[o] {
			if o.n != 0 && slices.Contains(prunable, o.n) {
				o.gone = true
				continue
			}
			tr.lose(o.name, o.dig.size, stage+": not found intact anywhere (generation "+fmt.Sprint(o.n)+")")
			o.gone = true
			continue
		}
		o.n = found[o]
		if final && o.n == 0 {
			tr.fail("%s: %s was not rotated", stage, o.name)
		}
	}
	now := snapshot(t, c.dir, func(rel string) bool { _, ok := c.foreign[rel]; return !ok })
	for _, d := range diffSnapshots(c.foreign, now) {
		tr.fail("%s: a file that is not a log changed: %s", stage, d)
	}
	if !final {
		return
	}
	newest := slices.Max(append(c.ourNs(t), 0))
	if c.args.Compress {
		for _, g := range plain {
			if g.N < newest {
				tr.fail("%s: %s is older than the newest generation and still not compressed", stage, g)
			}
		}
	}
	if ns := c.ourNs(t); !c.args.KeepAll && len(ns) > c.args.MaxBackups {
		tr.fail("%s: %d generations kept, --max-backups is %d", stage, len(ns), c.args.MaxBackups)
	}
}

// match returns the original among candidates (same content) with the given base, preferring
// one already in generation n, then an active one (tiny logs of a few bytes may be identical).
func match(candidates []*rotOrig, base string, n int) *rotOrig {
	var best *rotOrig
	for _, o := range candidates {
		switch {
		case o.base != base:
		case o.n == n:
			return o
		case best == nil || o.n == 0:
			best = o
		}
	}
	return best
}
