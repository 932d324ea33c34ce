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
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PreserveOptions says how Preserve names the set and what it copies.
type PreserveOptions struct {
	// Now names the set: <destParent>/<UTC YYYYMMDDTHHMMSSZ>[.K], K = 2, 3, ... on collision.
	// The zero time means time.Now().
	Now time.Time
	// Copy are file names in srcDir copied (not moved) into the set, e.g. "lima.yaml", only when a
	// set is created and at least one log was moved into it. A missing one is ignored.
	Copy []string
	// AllOrNothing moves the logs already moved back into srcDir when any log cannot be moved,
	// and then drops the set: afterwards every log is where it was, except one that could not be
	// moved back, which stays whole in the set (Moved, Dir and the error say so).
	AllOrNothing bool
	// Root, when set, is the logs directory that destParent lies directly in (destParent is
	// Root/<name>). Preserve then refuses a Root that exists as a symbolic link or anything but a
	// directory, as it refuses such a destParent, before anything is touched (CheckDestination
	// checks the same, and permissions, without preserving), and checks it again after creating
	// the directories.
	Root string
}

// PreserveResult says what Preserve did. Moved, Copied and Skipped hold names in srcDir.
type PreserveResult struct {
	// Dir is the set directory created, or "" when nothing was kept (no directory is left behind).
	Dir string
	// Moved are the logs moved into Dir.
	Moved []string
	// Copied are the opts.Copy files copied into Dir.
	Copied []string
	// Skipped are files left alone (symbolic links, other non-regular files), with the reason.
	Skipped []Skip
	// Cleaned are leftovers of an interrupted earlier run removed first, relative to destParent:
	// temporary files of an unfinished copy and empty set directories.
	Cleaned []string
}

const setTimeLayout = "20060102T150405Z"

// Preserve moves every regular "*.log" and "*.log.gz" file of srcDir into a new set directory
// <destParent>/<UTC time>[.K] (mode 0700, never shared with another run), then copies opts.Copy
// into it. Files keep their mode and modification time.
//
// It assumes the caller holds WithDirLock(srcDir), nothing writes the logs (the VM is stopped), and
// destParent holds the sets of srcDir only. It takes WithDirLock(destParent) itself and refuses a
// destParent (and an opts.Root) that is a symbolic link or not a directory (wrapping
// ErrDestination), or a destParent that is srcDir or inside it, before anything is touched.
//
// No log is ever replaced or lost: after a failure or crash at any point each log is whole in
// srcDir, in the set, or both, and a partial copy only ever has a temporary name, which the next
// call removes first (with set directories left empty; nothing else under destParent is touched).
// Across filesystems the logs are copied in groups, with flat memory use (see moveAcross). No set
// directory is left behind when nothing is kept, nor destParent when this call created it (its
// own parents, if it created them, stay). One file's failure does not stop the others: the
// error joins one *FileError per file not moved (it is then whole in srcDir) or directory that
// could not be fsynced; the result says what was moved, copied, skipped (symbolic links and other
// non-regular files, never followed) and cleaned.
func Preserve(srcDir, destParent string, opts PreserveOptions) (PreserveResult, error) {
	return preserve(srcDir, destParent, opts, realOps())
}

func preserve(srcDir, destParent string, opts PreserveOptions, o ops) (res PreserveResult, err error) {
	if err := checkPreserveArgs(srcDir, destParent, opts); err != nil {
		return res, err
	}
	logs, errs, err := listLogs(srcDir, o, &res)
	if err != nil {
		return res, err
	}
	exists, err := checkDestParent(opts.Root, destParent)
	if err != nil || (!exists && len(logs) == 0) {
		return res, JoinErrors(append(errs, err)...)
	}
	if !exists {
		if err := createDestParent(opts.Root, destParent, o); err != nil {
			return res, err
		}
	}
	err = WithDirLock(destParent, func() error {
		if err := cleanLeftovers(destParent, o, &res); err != nil {
			errs = append(errs, err)
		}
		if len(logs) > 0 {
			errs = append(errs, fillSet(srcDir, destParent, !exists, logs, opts, o, &res)...)
		}
		return nil
	})
	return res, JoinErrors(append(errs, err)...)
}

// checkPreserveArgs refuses opts.Copy names that are not plain file names, an opts.Root that
// destParent is not directly in, and a destParent inside srcDir, before anything is touched.
func checkPreserveArgs(srcDir, destParent string, opts PreserveOptions) error {
	for _, name := range opts.Copy {
		if !isPlainName(name) {
			return fmt.Errorf("preserve %s: %q to copy is not a plain file name", srcDir, name)
		}
	}
	if opts.Root != "" && (filepath.Clean(opts.Root) != filepath.Dir(filepath.Clean(destParent)) ||
		!isPlainName(filepath.Base(destParent))) {
		return fmt.Errorf("preserve %s: the sets directory %s is not directly in the logs directory %s", srcDir, destParent, opts.Root)
	}
	return checkDestOutsideSrc(srcDir, destParent)
}

// createDestParent creates destParent and its missing parents (0700) and checks the result: root
// (when set) and destParent real directories.
func createDestParent(root, destParent string, o ops) error {
	if err := o.mkdirAll(destParent, 0o700); err != nil {
		return fileErr("create directory", destParent, "", err)
	}
	_, err := checkDestParent(root, destParent)
	return err
}

// fillSet creates a new set directory, moves logs into it and copies opts.Copy after them. A set
// into which nothing could be moved is removed again (dropEmptySet).
func fillSet(srcDir, destParent string, createdParent bool, logs []string, opts PreserveOptions, o ops,
	res *PreserveResult) []error {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	set, err := makeSetDir(destParent, now, o)
	if err != nil {
		return []error{err}
	}
	moved, errs := moveLogs(srcDir, set, logs, o)
	if len(errs) > 0 && opts.AllOrNothing {
		moved, errs = moveBack(srcDir, set, moved, errs, o)
	}
	res.Moved = moved
	if len(moved) == 0 {
		return append(errs, dropEmptySet(set, destParent, createdParent, o, res)...)
	}
	res.Dir = set
	return append(errs, copyExtras(srcDir, set, opts.Copy, o, res)...)
}

// moveBack moves the logs moved (from srcDir into set) back, after the failures errs. It returns
// the logs it could not move back, which are whole in set, and errs with theirs added.
func moveBack(srcDir, set string, moved []string, errs []error, o ops) (stayed []string, _ []error) {
	for _, name := range moved {
		if err := moveFile(filepath.Join(set, name), filepath.Join(srcDir, name), o); err != nil {
			stayed = append(stayed, name)
			errs = append(errs, asFileError("move back", filepath.Join(set, name), filepath.Join(srcDir, name), err))
		}
	}
	return stayed, errs
}

// dropEmptySet removes set, into which nothing was moved, and destParent if this run created it
// and it is empty. A set still holding copies whose sources had to be kept stays, in res.Dir.
func dropEmptySet(set, destParent string, createdParent bool, o ops, res *PreserveResult) []error {
	err := o.remove(set)
	switch {
	case errors.Is(err, fs.ErrExist): // ENOTEMPTY, EEXIST, ERROR_DIR_NOT_EMPTY
		res.Dir = set // it holds copies whose sources had to be kept (the move errors say which)
	case err != nil:
		res.Dir = set
		return []error{fileErr("remove empty set directory", set, "", err)}
	case createdParent:
		o.remove(destParent) // only if still empty; leaving it is harmless
	}
	return nil
}

// copyExtras copies the regular files names of srcDir into set (missing ones are ignored, others
// reported in res.Skipped), adding each copied name to res.Copied.
func copyExtras(srcDir, set string, names []string, o ops, res *PreserveResult) (errs []error) {
	for _, name := range names {
		ok, err := regularEntry(o, srcDir, name, &res.Skipped)
		if err != nil {
			errs = append(errs, err)
		}
		if !ok {
			continue
		}
		src, dst := filepath.Join(srcDir, name), filepath.Join(set, name)
		if err := copyFile(src, dst, o); err != nil {
			errs = append(errs, asFileError("copy", src, dst, err))
			continue
		}
		res.Copied = append(res.Copied, name)
	}
	return errs
}

// moveLogs moves the logs named names from srcDir into set: a no-replace rename
// (o.renameRegular) for each, then one fsync of set for all that were renamed, and moveAcross for
// those on another filesystem. It returns the names moved, in the order of names, and one error per file that was
// not (each a *FileError naming the file), plus errors about directories that could not be synced.
func moveLogs(srcDir, set string, names []string, o ops) (moved []string, errs []error) {
	fail := make([]error, len(names))
	var across []*crossMove
	var acrossIdx []int // index in names of each of across
	renamed := false
	for i, name := range names {
		src, dst := filepath.Join(srcDir, name), filepath.Join(set, name)
		err := o.renameRegular(src, dst)
		switch {
		case err == nil:
			renamed = true
		case errors.Is(err, syscall.EXDEV):
			across = append(across, &crossMove{src: src, dst: dst})
			acrossIdx = append(acrossIdx, i)
		default:
			fail[i] = asFileError("move", src, dst, err)
		}
	}
	var dirErrs []error
	if renamed {
		// The renames are done and cannot be undone safely: the logs are in set. If the fsync
		// fails, a crash may still put some of them back in srcDir, whole.
		if err := o.syncDir(set); err != nil {
			dirErrs = append(dirErrs, fileErr("sync directory", set, "", err))
		}
	}
	if err := moveAcross(o, across); err != nil {
		dirErrs = append(dirErrs, err)
	}
	for j, m := range across {
		fail[acrossIdx[j]] = m.err
	}
	for i, name := range names {
		if fail[i] != nil {
			errs = append(errs, fail[i])
		} else {
			moved = append(moved, name)
		}
	}
	return moved, append(errs, dirErrs...)
}

// listLogs returns the sorted names of regular "*.log" and "*.log.gz" files in dir, adding the
// others to res.Skipped; a file that cannot be stat'ed is reported in errs and left out.
func listLogs(dir string, o ops, res *PreserveResult) (logs []string, errs []error, err error) {
	names, err := readDirNames(dir)
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		if !IsLogName(name) {
			continue
		}
		ok, err := regularEntry(o, dir, name, &res.Skipped)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			logs = append(logs, name)
		}
	}
	return logs, errs, nil
}

// checkDestOutsideSrc refuses a destParent that is srcDir or lies below it (the sets would be
// deleted with srcDir, and locking both would deadlock).
func checkDestOutsideSrc(srcDir, destParent string) error {
	src, err1 := filepath.Abs(srcDir)
	dest, err2 := filepath.Abs(destParent)
	if err := JoinErrors(err1, err2); err != nil {
		return fmt.Errorf("preserve %s into %s: %w", srcDir, destParent, err)
	}
	rel, err := filepath.Rel(src, dest)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	if sfi, err := os.Stat(src); err == nil && !inside {
		if dfi, err := os.Stat(dest); err == nil && os.SameFile(sfi, dfi) {
			inside = true
		}
	}
	if inside {
		return fileErr("preserve into", destParent, "",
			fmt.Errorf("it is %s itself or inside it, where the logs would be deleted with it", srcDir))
	}
	return nil
}

// checkDestParent reports whether destParent exists, and fails (wrapping ErrDestination) if root,
// when set, or destParent exists as anything but a real directory: a symbolic link would let the
// sets land elsewhere.
func checkDestParent(root, destParent string) (bool, error) {
	if root != "" {
		if err := checkDestination(root, destParent, false); err != nil {
			return false, err
		}
	}
	return realDir(destParent)
}

// makeSetDir creates <destParent>/<stamp>[.K] with o.mkdir 0700, the first K that is free.
func makeSetDir(destParent string, now time.Time, o ops) (string, error) {
	stamp := now.UTC().Format(setTimeLayout)
	for k := 1; k <= 10000; k++ {
		name := stamp
		if k > 1 {
			name += "." + strconv.Itoa(k)
		}
		path := filepath.Join(destParent, name)
		err := o.mkdir(path, 0o700)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fileErr("create set directory", path, "", err)
		}
	}
	return "", fileErr("create set directory", filepath.Join(destParent, stamp), "",
		errors.New("10000 sets with this time stamp already exist"))
}

// cleanLeftovers removes temporary files in set directories of destParent, then set directories
// that are empty.
func cleanLeftovers(destParent string, o ops, res *PreserveResult) error {
	sets, err := readDirNames(destParent)
	if err != nil {
		return err
	}
	slices.Sort(sets)
	var errs []error
	for _, set := range sets {
		if _, _, ok := ParseSetName(set); !ok {
			continue // what history does not list as a set is not touched either
		}
		dir := filepath.Join(destParent, set)
		if fi, err := o.lstat(dir); err != nil || !fi.IsDir() {
			continue
		}
		names, err := readDirNames(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		left := len(names)
		for _, name := range names {
			if _, ok := IsTempName(name); !ok {
				continue
			}
			removed, err := removeTemp(o, filepath.Join(dir, name))
			if err != nil {
				errs = append(errs, err)
			}
			if removed {
				left--
				res.Cleaned = append(res.Cleaned, filepath.Join(set, name))
			}
		}
		if left == 0 {
			if err := o.remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fileErr("remove empty set directory", dir, "", err))
				continue
			}
			res.Cleaned = append(res.Cleaned, set)
		}
	}
	return JoinErrors(errs...)
}
