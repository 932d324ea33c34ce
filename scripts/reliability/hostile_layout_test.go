// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestHostileLayouts puts symbolic links, hard links, FIFOs, foreign set directories and odd
// permissions where limactl-logkeep (the built binary) works, and checks that nothing outside the
// instance and the logs directory is read into a set, written, renamed or removed, and that
// nothing is lost.
func TestHostileLayouts(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, "5 hostile: symlinks, hard links, FIFOs, foreign sets, modes, collect")
	defer func() {
		ta.done(ta.skippedNote("nothing outside touched; sets and logs dir 0700, bundles 0600; modes kept"))
	}()
	rng := newRNG(t)
	keep := []string{"RDD_KEEP_LOGS=1"}

	// variants runs f on the same filesystem and across filesystems (instance on tmpfs).
	variants := func(name string, f func(t *testing.T, tr *trial, sb *sandbox)) {
		for _, v := range []string{"same fs", "cross fs"} {
			ta.sub(name+", "+v, func(t *testing.T, tr *trial) {
				sb := newSandbox(t, "")
				if v == "cross fs" {
					sb = newSandbox(t, shmDir(t))
					sb.logs = filepath.Join(t.TempDir(), "logs")
					sb.env["LIMA_LOGKEEP_DIR"] = sb.logs
					requireOtherFS(t, sb.root, filepath.Dir(sb.logs))
				}
				f(t, tr, sb)
			})
		}
	}
	// outsideUnchanged compares the sandbox's outside directory with a snapshot.
	outsideUnchanged := func(t *testing.T, tr *trial, sb *sandbox, before map[string]entry) {
		for _, d := range diffSnapshots(before, snapshot(t, sb.outside, nil)) {
			tr.fail("outside the instance: %s", d)
		}
	}
	ok := func(tr *trial, r result) {
		if r.status != 0 {
			tr.fail("%q: exit %d: %s", r.args, r.status, r.stderr)
		}
		if noise := noLimaNoise(r.stderr); len(noise) > 0 {
			tr.fail("%q printed %q", r.args, noise)
		}
	}

	variants("serial.log is a symlink to a file outside, serialp.log to /dev/zero", func(t *testing.T, tr *trial, sb *sandbox) {
		dir := sb.instance(t, "vm", nil)
		secret := filepath.Join(sb.outside, "secret.log")
		require.NoError(t, os.WriteFile(secret, []byte("secret, never to be copied\n"), 0o600))
		require.NoError(t, os.Symlink(secret, filepath.Join(dir, "serial.log")))
		require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "serialp.log")))
		logs := map[string]original{"ha.stderr.log": writeLog(t, filepath.Join(dir, "ha.stderr.log"), logSize(rng, "ha.stderr"), 0o644, 0, rng)}
		before := snapshot(t, sb.outside, nil)

		r := sb.run(t, bin, keep, "rotate", "vm")
		ok(tr, r)
		if !strings.Contains(r.stderr, "serial.log") || !strings.Contains(r.stderr, "symbolic link") {
			tr.fail("rotate does not warn about the symlink serial.log: %s", r.stderr)
		}
		for _, name := range []string{"serial.1.log", "serialp.1.log"} {
			if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
				tr.fail("%s was made from a symbolic link", name)
			}
		}
		expectLink(tr, filepath.Join(dir, "serial.log"), secret)
		expectLink(tr, filepath.Join(dir, "serialp.log"), "/dev/zero")
		logs = map[string]original{"ha.stderr.1.log": logs["ha.stderr.log"]}
		expectIntact(tr, dir, logs)

		r = sb.run(t, bin, keep, "delete", "vm")
		ok(tr, r)
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), logs)
		expectLink(tr, filepath.Join(dir, "serial.log"), secret)
		outsideUnchanged(t, tr, sb, before)
	})

	ta.sub("generation files are symlinks outside (one dangling), 7 rotations with --max-backups 1", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		secret := filepath.Join(sb.outside, "secret")
		require.NoError(t, os.WriteFile(secret, []byte("secret\n"), 0o600))
		require.NoError(t, os.Symlink(secret, filepath.Join(dir, "serial.1.log")))
		require.NoError(t, os.Symlink(filepath.Join(sb.outside, "nothing"), filepath.Join(dir, "serial.9.log")))
		before := snapshot(t, sb.outside, nil)
		var last original
		for i := range 7 {
			last = writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng), 0o644, i, rng)
			ok(tr, sb.run(t, bin, []string{"LIMA_LOGKEEP_MAX_BACKUPS=1"}, "rotate", "vm"))
		}
		expectLink(tr, filepath.Join(dir, "serial.1.log"), secret)
		expectLink(tr, filepath.Join(dir, "serial.9.log"), filepath.Join(sb.outside, "nothing"))
		expectIntact(tr, dir, map[string]original{"serial.16.log": last})
		r := sb.run(t, bin, keep, "delete", "vm")
		ok(tr, r)
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), map[string]original{"serial.16.log": last})
		outsideUnchanged(t, tr, sb, before)
	})

	ta.sub("lima.yaml is a symlink to a file outside", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		secret := filepath.Join(sb.outside, "secret.yaml")
		require.NoError(t, os.WriteFile(secret, []byte(limaYAML+"# secret\n"), 0o600))
		require.NoError(t, os.Remove(filepath.Join(dir, "lima.yaml")))
		require.NoError(t, os.Symlink(secret, filepath.Join(dir, "lima.yaml")))
		logs := map[string]original{"serial.log": writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng), 0o644, 0, rng)}
		before := snapshot(t, sb.outside, nil)
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), logs)
		for _, set := range listDir(t, filepath.Join(sb.logs, "vm")) {
			if _, err := os.Lstat(filepath.Join(sb.logs, "vm", set, "lima.yaml")); err == nil {
				tr.fail("the symlinked lima.yaml was copied into set %s", set)
			}
		}
		outsideUnchanged(t, tr, sb, before)
	})

	ta.sub("the instance directory is a symlink to a directory outside", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		real := filepath.Join(sb.outside, "realvm")
		require.NoError(t, os.Mkdir(real, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(real, "lima.yaml"), []byte(limaYAML), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(real, "diffdisk"), []byte("disk\n"), 0o644))
		require.NoError(t, os.Symlink(real, filepath.Join(sb.home, "vm")))
		logs := map[string]original{}
		for _, n := range []string{"serial.log", "ha.stderr.log"} {
			logs[n] = writeLog(t, filepath.Join(real, n), logSize(rng, n), 0o644, 0, rng)
		}
		before := snapshot(t, sb.root, func(rel string) bool { return isLogName(filepath.Base(rel)) })
		ok(tr, sb.run(t, bin, keep, "rotate", "vm")) // renames inside the instance, wherever it is
		rotated := map[string]original{"serial.1.log": logs["serial.log"], "ha.stderr.1.log": logs["ha.stderr.log"]}
		expectIntact(tr, real, rotated)
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, real, filepath.Join(sb.logs, "vm"), rotated)
		after := snapshot(t, sb.root, func(rel string) bool {
			return isLogName(filepath.Base(rel)) || strings.HasPrefix(rel, "lima/_logkeep")
		})
		for _, d := range diffSnapshots(before, after) {
			tr.fail("besides the logs: %s", d)
		}
	})

	ta.sub("<logs-dir>/<instance> is a symlink to a directory outside", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := map[string]original{"serial.log": writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng), 0o644, 0, rng)}
		trap := filepath.Join(sb.outside, "trap")
		require.NoError(t, os.Mkdir(trap, 0o755))
		require.NoError(t, os.MkdirAll(sb.logs, 0o700))
		require.NoError(t, os.Symlink(trap, filepath.Join(sb.logs, "vm")))
		before := snapshot(t, sb.outside, nil)
		r := sb.run(t, bin, keep, "delete", "--strict", "vm")
		expectError(t, tr, r, filepath.Join(sb.logs, "vm"), "")
		expectNoLimactl(t, tr, sb)
		r = sb.run(t, bin, keep, "delete", "vm") // without --strict too: the instance is not deleted
		expectError(t, tr, r, filepath.Join(sb.logs, "vm"), "")
		expectNoLimactl(t, tr, sb)
		expectIntact(tr, dir, logs)
		outsideUnchanged(t, tr, sb, before)
	})

	ta.sub("set directories pre-created by someone else", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := map[string]original{"serial.log": writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng), 0o644, 0, rng)}
		sets := filepath.Join(sb.logs, "vm")
		require.NoError(t, os.MkdirAll(sets, 0o700))
		trap := filepath.Join(sb.outside, "trap")
		require.NoError(t, os.Mkdir(trap, 0o755))
		now := time.Now().UTC()
		var foreign []string
		for s := -2; s <= 30; s++ {
			name := now.Add(time.Duration(s) * time.Second).Format("20060102T150405Z")
			foreign = append(foreign, name)
			if s%3 == 0 {
				require.NoError(t, os.Symlink(trap, filepath.Join(sets, name)))
				continue
			}
			require.NoError(t, os.Mkdir(filepath.Join(sets, name), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(sets, name, "serial.log"), []byte("someone else's\n"), 0o644))
		}
		before := snapshot(t, sb.root, func(rel string) bool { return rel == "lima/vm" })
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		var made []string
		for _, set := range listDir(t, sets) {
			if !slices.Contains(foreign, set) {
				made = append(made, set)
			}
		}
		if len(made) != 1 {
			tr.fail("want exactly one new set besides the foreign ones, got %q", made)
		} else {
			expectIntact(tr, filepath.Join(sets, made[0]), logs)
		}
		after := snapshot(t, sb.root, func(rel string) bool {
			return rel == "lima/vm" || len(made) == 1 && rel == "lima/_logkeep/vm/"+made[0]
		})
		for _, d := range diffSnapshots(before, after) {
			tr.fail("foreign: %s", d)
		}
	})

	variants("serial.log is a hard link to a file outside", func(t *testing.T, tr *trial, sb *sandbox) {
		dir := sb.instance(t, "vm", nil)
		outside := filepath.Join(sb.outside, "linked.log")
		o := writeLog(t, outside, randomSize(rng), 0o644, 0, rng)
		require.NoError(t, os.Link(outside, filepath.Join(dir, "serial.log")))
		before := snapshot(t, sb.outside, nil)
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), map[string]original{"serial.log": o})
		now := snapshot(t, sb.outside, nil)
		if d, err := digestFile(outside, false); err != nil || d != o.dig {
			tr.fail("the outside file changed: %v", err)
		}
		delete(before, "linked.log") // its link count and ctime may change, nothing else
		delete(now, "linked.log")
		for _, d := range diffSnapshots(before, now) {
			tr.fail("outside the instance: %s", d)
		}
	})

	// The agent keeps a second hard link of each live log in a directory of its own under the logs
	// directory, so logs and generations have two names: each is a regular file like any other.
	variants("hard links as the agent keeps them: rotated, bundled and preserved as names, the other name never written", func(t *testing.T, tr *trial, sb *sandbox) {
		dir := sb.instance(t, "vm", nil)
		agent := filepath.Join(sb.logs, ".agent", "vm")
		if !strings.HasPrefix(sb.logs, sb.root+string(filepath.Separator)) {
			agent = filepath.Join(sb.root, "agent", "vm") // the logs directory is on another filesystem
		}
		require.NoError(t, os.MkdirAll(agent, 0o700))
		link := func(name, as string) {
			require.NoError(t, os.Link(filepath.Join(dir, name), filepath.Join(agent, as)))
		}
		boot1 := writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng), 0o644, 1, rng)
		link("serial.log", "boot1-serial.log")
		ok(tr, sb.run(t, bin, nil, "rotate", "vm"))
		expectIntact(tr, dir, map[string]original{"serial.1.log": boot1})
		boot2 := writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng)+1, 0o644, 2, rng)
		link("serial.log", "boot2-serial.log")
		ok(tr, sb.run(t, bin, nil, "rotate", "vm")) // serial.2.log and serial.1.log both have nlink 2
		boot3 := writeLog(t, filepath.Join(dir, "serial.log"), randomSize(rng)+1, 0o644, 3, rng)
		link("serial.log", "boot3-serial.log")
		logs := map[string]original{"serial.1.log": boot1, "serial.2.log": boot2, "serial.log": boot3}
		expectIntact(tr, dir, logs)

		bundle := filepath.Join(sb.root, "bundle.tar.gz")
		ok(tr, sb.run(t, bin, nil, "collect", "vm", "-o", bundle))
		content, err := gunzipAll(bundle)
		if err != nil {
			tr.fail("bundle: %v", err)
		}
		for _, name := range []string{"boot1-serial.log", "boot2-serial.log", "boot3-serial.log"} {
			if b, err := os.ReadFile(filepath.Join(agent, name)); err != nil || !strings.Contains(string(content), string(b)) {
				tr.fail("the bundle does not hold the log also linked as %s (%v)", name, err)
			}
		}

		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), logs)
		expectIntact(tr, agent, map[string]original{"boot1-serial.log": boot1, "boot2-serial.log": boot2, "boot3-serial.log": boot3})
	})

	variants("a FIFO and a directory named like logs", func(t *testing.T, tr *trial, sb *sandbox) {
		dir := sb.instance(t, "vm", nil)
		require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "serial.log"), 0o644))
		require.NoError(t, os.Mkdir(filepath.Join(dir, "serialp.log"), 0o755))
		logs := map[string]original{"ha.stderr.log": writeLog(t, filepath.Join(dir, "ha.stderr.log"), logSize(rng, "ha.stderr"), 0o644, 0, rng)}
		ok(tr, sb.run(t, bin, keep, "rotate", "vm")) // a hang would fail the run after 60s
		logs = map[string]original{"ha.stderr.1.log": logs["ha.stderr.log"]}
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), logs)
		if fi, err := os.Lstat(filepath.Join(dir, "serial.log")); err != nil || fi.Mode().Type() != fs.ModeNamedPipe {
			tr.fail("the FIFO serial.log was moved or changed: %v", err)
		}
	})

	variants("permissions: logs dir and sets 0700, files keep their modes", func(t *testing.T, tr *trial, sb *sandbox) {
		dir := sb.instance(t, "vm", nil)
		logs := map[string]original{}
		for name, mode := range map[string]fs.FileMode{"serial.log": 0o600, "serialv.log": 0o640, "ha.stdout.log": 0o644,
			"ha.stderr.log": 0o444, "serial.3.log": 0o755, "driver.stderr.log": 0o400} {
			logs[name] = writeLog(t, filepath.Join(dir, name), logSize(rng, name), mode, 0, rng)
		}
		ok(tr, sb.run(t, bin, keep, "delete", "vm"))
		checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), logs)
		for _, d := range []string{sb.logs, filepath.Join(sb.logs, "vm")} {
			if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
				tr.fail("%s: want mode 0700, got %v (%v)", d, fi.Mode().Perm(), err)
			}
		}
	})

	ta.sub("collect: bundle 0600, symlinked logs never read into it, output symlink not followed", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := map[string]original{"serial.log": writeLog(t, filepath.Join(dir, "serial.log"), 4096, 0o644, 0, rng)}
		secret := filepath.Join(sb.outside, "secret")
		const secretText = "TOP-SECRET-never-in-a-bundle"
		require.NoError(t, os.WriteFile(secret, []byte(secretText+"\n"), 0o600))
		require.NoError(t, os.Symlink(secret, filepath.Join(dir, "serialp.log")))
		require.NoError(t, os.Symlink(secret, filepath.Join(dir, "ha.stderr.1.log")))
		out := filepath.Join(sb.root, "out")
		require.NoError(t, os.Mkdir(out, 0o755))
		before := snapshot(t, sb.outside, nil)

		bundle := filepath.Join(out, "bundle.tar.gz")
		ok(tr, sb.run(t, bin, nil, "collect", "vm", "-o", bundle))
		if fi, err := os.Lstat(bundle); err != nil || fi.Mode() != 0o600 {
			tr.fail("bundle %s: want a regular file 0600, got %v (%v)", bundle, fi.Mode(), err)
		}
		content, err := gunzipAll(bundle)
		if err != nil {
			tr.fail("bundle: %v", err)
		}
		if strings.Contains(string(content), secretText) {
			tr.fail("the bundle holds the content of a symlink's target outside the instance")
		}
		if !strings.Contains(string(content), "boot 0 serial.log") {
			tr.fail("the bundle does not hold serial.log")
		}

		link := filepath.Join(out, "link.tar.gz")
		target := filepath.Join(sb.outside, "target")
		require.NoError(t, os.WriteFile(target, []byte("keep me\n"), 0o644))
		require.NoError(t, os.Symlink(target, link))
		before = snapshot(t, sb.outside, nil)
		if r := sb.run(t, bin, nil, "collect", "vm", "-o", link); r.status == 0 {
			tr.fail("collect -o over an existing symlink succeeded without --force")
		}
		sb.run(t, bin, nil, "collect", "--force", "vm", "-o", link)
		outsideUnchanged(t, tr, sb, before)
		expectIntact(tr, dir, logs)
	})

	ta.sub("the instance path is a file", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		path := filepath.Join(sb.home, "vm")
		require.NoError(t, os.WriteFile(path, []byte("not a directory\n"), 0o644))
		before := snapshot(t, sb.root, nil)
		for _, args := range [][]string{{"rotate", "vm"}, {"delete", "vm"}, {"start", "vm"}} {
			expectError(t, tr, sb.run(t, bin, keep, args...), path, "")
		}
		expectNoLimactl(t, tr, sb)
		for _, d := range diffSnapshots(before, snapshot(t, sb.root, nil)) {
			tr.fail("changed: %s", d)
		}
	})
}

// expectLink checks that path is still a symbolic link to target.
func expectLink(tr *trial, path, target string) {
	if got, err := os.Readlink(path); err != nil || got != target {
		tr.fail("%s is no longer a symbolic link to %s (%q, %v)", path, target, got, err)
	}
}
