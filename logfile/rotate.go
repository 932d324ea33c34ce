// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RotateOptions says which logs Rotate renames and what it keeps.
type RotateOptions struct {
	// Names are the active log file names, e.g. "serial.log". Each must end in ".log", contain no
	// '/' and not itself be a generation name like "x.1.log"; no base may be listed twice.
	Names []string
	// MaxBackups is the number of generations kept after rotation (>= 1); ignored when KeepAll.
	MaxBackups int
	// KeepAll prunes nothing.
	KeepAll bool
	// Compress gzips the generations older than the newest one (logrotate's delaycompress).
	Compress bool
	// LeaveEmpty are active names that the program writing them creates empty when a new run
	// begins: such a log is left in place, unreported, while it is empty (checked just before its
	// rename), as it holds nothing to keep and may be the new run's.
	LeaveEmpty []string
	// InUse, when set, is asked just before each rename whether a new run has begun writing the
	// logs; once it says so, Rotate renames no more of them (RotateResult.InUse), as renaming a
	// log that a program writes, or waits for, by name would take it from that program.
	InUse func() bool
}

// Skip is a file left alone, with the reason (e.g. a symbolic link, not a regular file).
type Skip struct {
	Name   string
	Reason string
}

// RotateResult says what Rotate did. File names are relative to the rotated directory.
type RotateResult struct {
	// Generation is the N used for this rotation; 0 when no active log was renamed (none existed,
	// each vanished, or each rename failed: then nothing was pruned or compressed either).
	Generation int
	// Renamed are the active names renamed to "<base>.<Generation>.log".
	Renamed []string
	// Pruned are the generation files removed by pruning.
	Pruned []string
	// Compressed are the plain generation files replaced by their ".gz" form.
	Compressed []string
	// Cleaned are temporary files of an interrupted compression that were removed (the plain file
	// they were made from still existed).
	Cleaned []string
	// Skipped are files left alone, with the reason.
	Skipped []Skip
	// InUse is true when RotateOptions.InUse stopped the renames: the active logs not in Renamed
	// were left in place.
	InUse bool
}

// Rotate starts a new generation in dir: every active log of opts.Names that is a regular file is
// renamed to "<base>.<N>.log", the same N = nextGeneration(dir) for all; then, unless
// opts.KeepAll, it removes the files of all but the newest MaxBackups generations of those bases,
// and with opts.Compress it gzips the generations older than N.
//
// It assumes dir exists, the caller holds WithDirLock(dir) and nothing writes the active logs.
//
// Nothing is changed when an active log cannot be stat'ed or none exists (Generation 0). Renames
// never replace; a ".gz" replaces its plain file only once it is durable, and after a crash only
// if it decompresses to the same bytes (otherwise both are kept); leftover temporary files of a
// compression are removed (Cleaned). Symbolic links and other non-regular files are never
// followed, renamed or removed (Skipped). A failed rename is a *FileError; the other logs are
// still renamed, but nothing is pruned or compressed. A prune or compression failure after the
// renames wraps ErrHousekeeping (the logs are then safe as generation N).
func Rotate(dir string, opts RotateOptions) (RotateResult, error) {
	return rotate(dir, opts, realOps())
}

func rotate(dir string, opts RotateOptions, o ops) (RotateResult, error) {
	var res RotateResult
	bases, err := baseOrder(opts.Names)
	if err != nil {
		return res, err
	}
	if !opts.KeepAll && opts.MaxBackups < 1 {
		return res, fmt.Errorf("rotate %s: MaxBackups is %d, must be at least 1 unless all logs are kept",
			dir, opts.MaxBackups)
	}
	present, err := presentActive(dir, opts.Names, o, &res)
	if err != nil || len(present) == 0 {
		return res, err
	}
	n, err := nextGeneration(dir)
	if err != nil {
		return res, err
	}
	if errs := renameActive(dir, present, n, opts, o, &res); len(errs) > 0 || len(res.Renamed) == 0 {
		return res, JoinErrors(errs...)
	}
	if err := housekeep(dir, bases, n, opts, o, &res); err != nil {
		return res, fmt.Errorf("%w: %w", ErrHousekeeping, err)
	}
	return res, nil
}

// presentActive returns the names that exist in dir as regular files, adding other file types to
// res.Skipped. Any stat error other than "does not exist" is returned before anything is changed.
func presentActive(dir string, names []string, o ops, res *RotateResult) (present []string, err error) {
	for _, name := range names {
		ok, err := regularEntry(o, dir, name, &res.Skipped)
		if err != nil {
			return nil, err
		}
		if ok {
			present = append(present, name)
		}
	}
	return present, nil
}

// renameActive renames each active log of present to generation n without replacing, then fsyncs
// dir once if any was renamed; a log of opts.LeaveEmpty that is empty is skipped, and once
// opts.InUse reports true nothing more is renamed. It returns one error per failed rename, plus
// the fsync's.
func renameActive(dir string, present []string, n int, opts RotateOptions, o ops, res *RotateResult) (errs []error) {
	for _, name := range present {
		base, _ := ActiveBase(name)
		src := filepath.Join(dir, name)
		if opts.InUse != nil && opts.InUse() {
			res.InUse = true
			break
		}
		if slices.Contains(opts.LeaveEmpty, name) {
			if fi, err := o.lstat(src); err == nil && fi.Size() == 0 {
				continue
			}
		}
		dst := filepath.Join(dir, GenerationName{Base: base, N: n}.String())
		err := o.rename(src, dst)
		switch {
		case err == nil:
			res.Renamed = append(res.Renamed, name)
		case errors.Is(err, os.ErrNotExist) && !exists(dst):
			res.Skipped = append(res.Skipped, Skip{Name: name, Reason: "vanished before it could be renamed"})
		default:
			errs = append(errs, fileErr("rename", src, dst, err))
		}
	}
	if len(res.Renamed) > 0 {
		res.Generation = n
		if err := o.syncDirErr(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// housekeep prunes (unless opts.KeepAll) and compresses (with opts.Compress) the generations of
// bases once generation newest is in place.
func housekeep(dir string, bases map[string]int, newest int, opts RotateOptions, o ops, res *RotateResult) error {
	var errs []error
	if !opts.KeepAll {
		if err := prune(dir, bases, opts.MaxBackups, o, res); err != nil {
			errs = append(errs, err)
		}
	}
	if opts.Compress {
		if err := compressOlder(dir, bases, newest, o, res); err != nil {
			errs = append(errs, err)
		}
	}
	return JoinErrors(errs...)
}

// skip adds name to Skipped unless it is already there (pruning and compression both look at
// the generation files).
func (r *RotateResult) skip(name, reason string) {
	for _, s := range r.Skipped {
		if s.Name == name {
			return
		}
	}
	r.Skipped = append(r.Skipped, Skip{Name: name, Reason: reason})
}

// exists reports whether path exists (without following a final symlink).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// generationFiles lists the regular generation files of bases in dir by N, reporting non-regular
// ones in res.Skipped. File types come from the directory listing (an lstat only where the
// filesystem does not report them), so a large history costs one read of the directory.
func generationFiles(dir string, bases map[string]int, res *RotateResult) (map[int][]GenerationName, error) {
	entries, err := readDirEntries(dir)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	byN := map[int][]GenerationName{}
	for _, entry := range entries {
		g, ok := ParseGeneration(entry.Name())
		if !ok {
			continue
		}
		if _, mine := bases[g.Base]; !mine {
			continue
		}
		if !entry.Type().IsRegular() {
			res.skip(entry.Name(), skipReason(entry.Type()))
			continue
		}
		byN[g.N] = append(byN[g.N], g)
	}
	return byN, nil
}

// prune removes the files of all but the newest keep distinct generation numbers.
func prune(dir string, bases map[string]int, keep int, o ops, res *RotateResult) error {
	byN, err := generationFiles(dir, bases, res)
	if err != nil {
		return err
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	if len(ns) <= keep {
		return nil
	}
	slices.Sort(ns)
	var errs []error
	for _, n := range ns[:len(ns)-keep] {
		for _, g := range byN[n] {
			path := filepath.Join(dir, g.String())
			if err := o.remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fileErr("remove old generation", path, "", err))
				continue
			}
			res.Pruned = append(res.Pruned, g.String())
		}
	}
	return JoinErrors(errs...)
}
