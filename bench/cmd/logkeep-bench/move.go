// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"limactl-logkeep/bench"
)

// moveSetup is a source layout on tmpfs, copied afresh before every run, and a destination on disk.
type moveSetup struct {
	tmpl, srcParent, src, dest string
	files                      []string // paths in src
	bytes                      int64
	all                        string // on tmpfs: the bytes of all files, one after the other
}

// newMoveSetup writes the template: an instance directory with the six logs and five generations
// each (36 files), total bytes split evenly.
func newMoveSetup(e env, id string, total int64) (moveSetup, error) {
	var s moveSetup
	var st unix.Statfs_t
	if err := unix.Statfs(e.Shm, &st); err != nil || st.Type != unix.TMPFS_MAGIC {
		return s, fmt.Errorf("%s is not on tmpfs: the move must cross filesystems", e.Shm)
	}
	if err := unix.Statfs(e.Work, &st); err != nil || st.Type == unix.TMPFS_MAGIC {
		return s, fmt.Errorf("%s is on tmpfs: the move must go to disk; set BENCH_DIR to a disk directory", e.Work)
	}
	s.tmpl = filepath.Join(e.Shm, id+"-template")
	s.srcParent = filepath.Join(e.Shm, id)
	s.src = filepath.Join(s.srcParent, "inst")
	s.dest = filepath.Join(e.Work, id)
	inst := filepath.Join(s.tmpl, "inst")
	if err := os.MkdirAll(inst, 0o755); err != nil {
		return s, err
	}
	size := total / 36
	names, err := bench.Generations(inst, bench.LimaLogNames, 5, size)
	for _, n := range names {
		s.files = append(s.files, filepath.Join(s.src, n))
	}
	s.bytes = size * int64(len(names))
	if err != nil {
		return s, err
	}
	s.all = filepath.Join(e.Shm, id+"-all.bin")
	return s, concat(s.all, inst, names)
}

// concat writes the files names of dir, one after the other, to the new file path.
func concat(path, dir string, names []string) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	for _, n := range names {
		in, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			out.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if err != nil {
			out.Close()
			return err
		}
	}
	return out.Close()
}

// prep copies the template to the source, empties the destination (creating dest/set for mv)
// and syncs, so that no run pays for the writeback of an earlier one.
func (s moveSetup) prep() error {
	if err := fresh(s.tmpl, s.srcParent)(); err != nil {
		return err
	}
	if err := os.RemoveAll(s.dest); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(s.dest, "set"), 0o755); err != nil {
		return err
	}
	unix.Sync()
	return nil
}

// moved checks that the source holds no log and the destination (recursively) all of them.
func (s moveSetup) moved() error {
	left, _ := filepath.Glob(filepath.Join(s.src, "*.log"))
	if len(left) > 0 {
		return fmt.Errorf("%d logs left in %s", len(left), s.src)
	}
	var n int
	var size int64
	err := filepath.WalkDir(s.dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n, size = n+1, size+fi.Size()
		}
		return err
	})
	if err == nil && (n != len(s.files) || size != s.bytes) {
		err = fmt.Errorf("%d files, %d bytes in %s; want %d, %d", n, size, s.dest, len(s.files), s.bytes)
	}
	return err
}

func (s moveSetup) mv() side {
	return side{Label: "mv -t", Argv: append([]string{lookPath("mv"), "-t", filepath.Join(s.dest, "set")}, s.files...),
		Prep: s.prep, Check: s.moved}
}

// mvSync is mv followed by sync(1) of the moved files (fsync of each): the durability of a
// logfile move, reached the way a shell script would.
func (s moveSetup) mvSync() side {
	return side{Label: "mv -t, then sync of the files", Prep: s.prep, Check: s.moved,
		Argv: append([]string{"sh", "-c", `mv -t "$0" "$@" && cd "$0" && sync -- *`, filepath.Join(s.dest, "set")}, s.files...)}
}

// diskBound writes the same bytes (all the files, one after the other) to the disk with direct
// I/O in 64 MiB blocks, bypassing the page cache, and fsyncs the file: how fast this disk takes
// data durably, whatever the program that moves it. Nothing is removed from the source.
func (s moveSetup) diskBound() side {
	out := filepath.Join(s.dest, "set", "all.bin")
	return side{Label: "dd oflag=direct bs=64M conv=fsync of the same bytes (disk's durable write rate)",
		Argv: []string{lookPath("dd"), "if=" + s.all, "of=" + out, "bs=64M", "oflag=direct", "conv=fsync", "status=none"},
		Prep: s.prep, Check: func() error {
			fi, err := os.Stat(out)
			if err == nil && fi.Size() != s.bytes {
				err = fmt.Errorf("dd wrote %d bytes to %s, want %d", fi.Size(), out, s.bytes)
			}
			return err
		}}
}

// move is target 4: 1 GiB of logs from tmpfs to disk with Preserve and MoveFile against mv, and
// peak memory at several sizes.
func move(e env) error {
	total := int64(1 << 30)
	if e.Quick {
		total = 128 << 20
	}
	s, err := newMoveSetup(e, "move", total)
	if err != nil {
		return err
	}
	mover := filepath.Join(e.Tools, "mover")
	preserve := side{Label: "logfile.Preserve (mover preserve)", Argv: []string{mover, "preserve", s.src, filepath.Join(s.dest, "inst")},
		Prep: s.prep, Check: s.moved}
	moveFile := side{Label: "logfile.MoveFile (mover move)", Argv: append([]string{mover, "move", filepath.Join(s.dest, "set")}, s.files...),
		Prep: s.prep, Check: s.moved}
	title := fmt.Sprintf("4. preservation across filesystems, %s in 36 files, tmpfs to disk", mib(s.bytes))
	pairs := []pair{
		{ID: "move-preserve", Title: title + ": Preserve vs mv", A: preserve, B: s.mv(), Limit: 0.95},
		{ID: "move-movefile", Title: title + ": MoveFile vs mv", A: moveFile, B: s.mv(), Limit: 0.95},
		{ID: "move-preserve-sync", Title: title + ": Preserve vs mv + sync (same durability)", A: preserve, B: s.mvSync()},
		{ID: "move-movefile-sync", Title: title + ": MoveFile vs mv + sync (same durability)", A: moveFile, B: s.mvSync()},
		{ID: "move-disk-bound", Title: title + ": the disk's durable write rate (dd, direct I/O) vs mv: the ceiling of any durable move",
			A: s.diskBound(), B: s.mv()},
		{ID: "move-preserve-disk", Title: title + ": Preserve vs the disk's durable write rate (dd, direct I/O)", A: preserve, B: s.diskBound()},
	}
	for _, p := range pairs {
		p.Runs, p.Warmup, p.Bytes = e.runs(7), 1, s.bytes
		r, err := p.measure()
		if err != nil {
			return err
		}
		if err := record(e.Results, r); err != nil {
			return err
		}
	}
	os.RemoveAll(s.tmpl)
	os.RemoveAll(s.srcParent)
	os.Remove(s.all)
	return memory(e, mover)
}

// memory preserves one log of 16 MiB, 256 MiB and 1 GiB and reports the peak RSS of mover and mv.
func memory(e env, mover string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "   %10s  %26s  %10s\n", "one log of", "max RSS of mover preserve", "of mv")
	worst := int64(0)
	sizes := []int64{16 << 20, 256 << 20, 1 << 30}
	if e.Quick {
		sizes = sizes[:2]
	}
	for _, size := range sizes {
		src := filepath.Join(e.Shm, "mem", "inst")
		dest := filepath.Join(e.Work, "mem")
		var rss [2]int64
		var err error
		for i, argv := range [][]string{{mover, "preserve", src, dest}, {lookPath("mv"), "-t", dest, filepath.Join(src, "serial.log")}} {
			os.RemoveAll(filepath.Dir(src))
			os.RemoveAll(dest)
			if err := errors.Join(os.MkdirAll(src, 0o755), os.MkdirAll(dest, 0o755), bench.WriteLog(filepath.Join(src, "serial.log"), size)); err != nil {
				return err
			}
			unix.Sync()
			rss[i], err = side{Label: argv[0], Argv: argv}.maxRSS()
			if err != nil {
				return err
			}
		}
		worst = max(worst, rss[0])
		fmt.Fprintf(&b, "   %10s  %26s  %10s\n", mib(size), mib(rss[0]), mib(rss[1]))
	}
	os.RemoveAll(filepath.Join(e.Shm, "mem"))
	os.RemoveAll(filepath.Join(e.Work, "mem"))
	v := "met"
	switch {
	case worst == 0:
		v = "NOT RUN (no GNU time: apt-get install time)"
	case worst > 32<<20:
		v = "MISSED"
	}
	return record(e.Results, result{ID: "move-memory", Title: "4. peak memory of a preservation, by size",
		Text: b.String(), Verdict: v, Target: "max RSS <= 32 MiB at every size"})
}
