// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// Names of the agent's own files in an instance's store; none ends in ".log", so Preserve and
// the history never take them for logs.
const (
	pendingFile  = ".pending"  // generation numbers made in the store, not yet in the instance directory
	identityFile = ".instance" // the identity of the instance directory the store belongs to
	movingSuffix = ".moving"   // a log being moved out of the instance directory (transient)
)

// files are the kept files of one directory: regular files whose names are logs (active or
// generations) or the configuration (limaadapter.IsLogOrConfig), by name, and indexed by file so
// that finding a file's other name costs one lookup however many generations there are.
// Symbolic links and other non-regular files are never listed, so never followed.
type files struct {
	m   map[string]os.FileInfo
	ids map[fileID]string // nil where files have no cheap identity (Windows): find scans
}

// readFiles lists the kept files of dir. A directory that does not exist has none.
func readFiles(dir string) (files, error) {
	fs := files{m: map[string]os.FileInfo{}, ids: map[fileID]string{}}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return fs, nil
	} else if err != nil {
		return files{}, fmt.Errorf("cannot read %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !limaadapter.IsLogOrConfig(name) || !e.Type().IsRegular() {
			continue
		}
		fi, err := os.Lstat(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return files{}, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, name), err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		fs.m[name] = fi
		if id, ok := idOf(fi); ok && fs.ids != nil {
			if other, dup := fs.ids[id]; !dup || name < other {
				fs.ids[id] = name
			}
		} else {
			fs.ids = nil
		}
	}
	return fs, nil
}

// find returns the name under which fs holds the same file as fi.
func (fs files) find(fi os.FileInfo) (string, bool) {
	if fs.ids != nil {
		if id, ok := idOf(fi); ok {
			name, found := fs.ids[id]
			return name, found
		}
	}
	for _, name := range fs.sortedNames() {
		if os.SameFile(fi, fs.m[name]) {
			return name, true
		}
	}
	return "", false
}

// sortedNames returns the names of fs in order, so that what the agent does is the same from run
// to run.
func (fs files) sortedNames() []string {
	names := make([]string, 0, len(fs.m))
	for name := range fs.m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// isActive reports whether name is an active log ("serial.log"), not a generation or the
// configuration.
func isActive(name string) bool {
	if name == limaadapter.ConfigFile {
		return false
	}
	_, ok := logfile.ActiveBase(name)
	return ok
}

// generation parses a generation name.
func generation(name string) (logfile.GenerationName, bool) {
	return logfile.ParseGeneration(name)
}

// generationOf returns the name of the active log name's generation n: "serial.log" -> "serial.3.log".
func generationOf(name string, n int) string {
	base, _ := logfile.ActiveBase(name)
	return logfile.GenerationName{Base: base, N: n}.String()
}

// readPending returns the generation numbers noted in the store's pending file, ascending.
func readPending(store string) ([]int, error) {
	b, err := os.ReadFile(filepath.Join(store, pendingFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", filepath.Join(store, pendingFile), err)
	}
	var ns []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil && n > 0 && !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	return ns, nil
}

// writePending replaces the store's pending file with ns (removing it when ns is empty),
// atomically and durably.
func writePending(store string, ns []int) error {
	path := filepath.Join(store, pendingFile)
	if len(ns) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot remove %s: %w", path, err)
		}
		return logfile.SyncDir(store)
	}
	var sb strings.Builder
	for _, n := range ns {
		sb.WriteString(strconv.Itoa(n) + "\n")
	}
	return writeFileAtomic(path, []byte(sb.String()))
}

// writeFileAtomic replaces the file at path with data, mode 0600, whole or not at all.
func writeFileAtomic(path string, data []byte) error { return writeFileMode(path, data, 0o600) }

// writeFileMode replaces the file at path with data, with mode, whole or not at all.
func writeFileMode(path string, data []byte, mode os.FileMode) error {
	f, err := logfile.CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return f.Commit(true)
}
