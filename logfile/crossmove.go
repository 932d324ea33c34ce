// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"fmt"
	"path/filepath"
)

// crossGroup is the number of files moveAcross copies before it fsyncs them: enough to keep the
// disk busy while later files are copied, few enough to bound the open temporary files.
const crossGroup = 64

// crossMove is one file of a cross-filesystem move, and what became of it.
type crossMove struct {
	src, dst string
	// err is why the file was not moved (src is then whole in its place), or nil once it was.
	err error
	tmp *AtomicFile // the copy under its temporary name, until it is renamed to dst
}

const opCross = "move (copying across filesystems)"

// moveAcross moves each file from m.src to m.dst, which are on different filesystems. This is the
// one description of the cross-filesystem protocol (Preserve and MoveFile use it). In groups of
// crossGroup files, it
//  1. copies every file to a temporary name next to its dst (copyToTemp: mode and modification
//     time kept, writeback started during the copy, nothing waited for; memory use flat),
//  2. fsyncs every copy, which then waits for the disk once for the whole group,
//  3. renames every copy to its dst without replacing anything,
//  4. fsyncs each destination directory once,
//  5. removes each source whose copy went through steps 1-4 without an error,
//  6. fsyncs each source directory once.
//
// A source is removed only after its copy is durable under its final name, so a crash at any point
// leaves every file whole in its old place, its new place, or both; a partial copy only ever
// exists under its temporary name (which Preserve removes on its next run). One file's failure
// does not stop the others: it sets that file's err (a *FileError naming m.src and the step that
// failed), removes its temporary file and leaves its source alone. A failed fsync of a destination
// directory fails every file renamed into it (their sources are kept, so each is in both places).
// The returned error is only about a source directory whose fsync failed after its files were
// removed: those files count as moved, but after a crash they may reappear in their old place.
func moveAcross(o ops, moves []*crossMove) error {
	var errs []error
	for len(moves) > 0 {
		n := min(len(moves), crossGroup)
		if err := moveGroup(o, moves[:n]); err != nil {
			errs = append(errs, err)
		}
		moves = moves[n:]
	}
	return joinErrs(errs)
}

// moveGroup is one group of moveAcross.
func moveGroup(o ops, group []*crossMove) error {
	for _, m := range group {
		m.tmp, m.err = copyToTemp(o, opCross, m.src, m.dst)
	}
	for _, m := range pending(group) {
		if err := m.tmp.syncClose(); err != nil {
			m.err = fileErr("move (syncing the copy to disk; the source is kept)", m.src, m.tmp.Name(), err)
		}
	}
	placed := map[string][]*crossMove{} // by destination directory
	for _, m := range pending(group) {
		if err := m.tmp.publish(o.rename); err != nil {
			m.err = fileErr("move (renaming the copy into place; the source is kept)", m.src, m.dst, err)
			continue
		}
		placed[filepath.Dir(m.dst)] = append(placed[filepath.Dir(m.dst)], m)
	}
	for dir, ms := range placed {
		if err := o.syncDir(dir); err != nil {
			for _, m := range ms {
				m.err = fileErr("move (syncing the directory of the copy failed, so the source is kept and both files exist)",
					m.src, m.dst, fmt.Errorf("fsync %s: %w", dir, pathCause(err, dir, "")))
			}
		}
	}
	removed := map[string]bool{} // source directories
	for _, m := range pending(group) {
		if err := o.remove(m.src); err != nil {
			m.err = fileErr("remove after copying (the copy is complete; both files exist)", m.src, m.dst, err)
			continue
		}
		removed[filepath.Dir(m.src)] = true
	}
	var errs []error
	for dir := range removed {
		if err := o.syncDir(dir); err != nil {
			errs = append(errs, fileErr("sync directory", dir, "", fmt.Errorf(
				"%w (the logs moved out of it are safe in their new place, but after a crash they may reappear here and be preserved again)",
				pathCause(err, dir, ""))))
		}
	}
	return joinErrs(errs)
}

// pending returns the moves of group that have not failed so far.
func pending(group []*crossMove) []*crossMove {
	var out []*crossMove
	for _, m := range group {
		if m.err == nil {
			out = append(out, m)
		}
	}
	return out
}

// joinErrs is JoinErrors, except that a single error is returned as it is (a *FileError stays one).
func joinErrs(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return JoinErrors(errs...)
}
