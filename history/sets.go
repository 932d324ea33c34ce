// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"limactl-logkeep/logfile"
)

// Set is one preserved set: the logs of an instance moved aside when it was
// deleted or reset, in LogsDir/<Instance>/<Name>.
type Set struct {
	Instance string
	Name     string    // "<UTC YYYYMMDDTHHMMSSZ>[.K]"
	Time     time.Time // when it was preserved (UTC, from Name)
	K        int       // 1, or the K of a ".K" suffix
	Path     string
	Size     int64  // sum of the files' sizes on disk
	Files    []File // regular files, sorted by name; temporary leftovers excluded
}

// Sets returns the preserved sets of the named instances, or of every instance
// with a directory under LogsDir when names is empty, sorted by instance then
// time. Names are validated before anything is read. A name without sets gives
// none. Directory entries that are not sets, symbolic links included, are ignored.
func (s Store) Sets(names []string) ([]Set, error) {
	if err := s.ValidNames(names); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		var err error
		if names, err = s.preservedNames(); err != nil {
			return nil, err
		}
	}
	var sets []Set
	for _, name := range names {
		found, err := s.setsOf(name, nil)
		if err != nil {
			return nil, err
		}
		sets = append(sets, found...)
	}
	return sets, nil
}

// setsOf lists the sets of one instance, oldest first. A set that cannot be read is an
// error, or with skip set, told to skip (with its path) and left out.
func (s Store) setsOf(name string, skip func(path string, err error)) ([]Set, error) {
	parent := filepath.Join(s.LogsDir, name)
	fi, err := os.Lstat(parent)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil // no sets; a LogsDir that is not a directory is reported by whoever lists it
	} else if err != nil {
		return nil, fmt.Errorf("cannot read preserved logs of %q: %w", name, err)
	} else if !fi.IsDir() {
		return nil, nil // Preserve refuses such a parent too
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, fmt.Errorf("cannot read preserved logs of %q: %w", name, err)
	}
	var sets []Set
	for _, e := range entries {
		t, k, ok := logfile.ParseSetName(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		set := Set{Instance: name, Name: e.Name(), Time: t, K: k, Path: filepath.Join(parent, e.Name())}
		if set.Files, err = regularFiles(set.Path); err != nil {
			if skip == nil {
				return nil, err
			}
			skip(set.Path, err)
			continue
		}
		for _, f := range set.Files {
			set.Size += f.Size
		}
		sets = append(sets, set)
	}
	slices.SortFunc(sets, func(a, b Set) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.K, b.K)
	})
	return sets, nil
}

// regularFiles lists the regular files of a set directory, sorted, leaving out
// temporary files of an interrupted move.
func regularFiles(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read preserved set %s: %w", dir, err)
	}
	var files []File
	for _, e := range entries {
		if _, tmp := logfile.IsTempName(e.Name()); tmp || !e.Type().IsRegular() {
			continue
		}
		f, ok, err := statFile(dir, e.Name())
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		files = append(files, f)
	}
	return files, nil
}
