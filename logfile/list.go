// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// FileInfo describes one log file: its name in the directory, size in bytes, modification time,
// and whether it is the ".log.gz" form of a generation (which OpenLog reads through gunzip).
type FileInfo struct {
	Name       string
	Size       int64
	ModTime    time.Time
	Compressed bool
}

// Generation is the set of files of one boot. N is the generation number; N == 0 means the active
// (current) logs.
type Generation struct {
	N     int
	Files []FileInfo
}

// ListGenerations returns the generations of the given active log names (e.g. "serial.log") in dir,
// oldest first, the active set (N == 0) last if any of the active files exists. Generation files
// "<base>.<N>.log" and "<base>.<N>.log.gz" count when their base is one of names' bases; within a
// generation, files follow the order of names, a plain file before its compressed form. Only regular
// files are listed (symbolic links are neither followed nor listed). It reads dir and changes
// nothing. Each name must satisfy the same rules as RotateOptions.Names.
func ListGenerations(dir string, names []string) ([]Generation, error) {
	order, err := baseOrder(names)
	if err != nil {
		return nil, err
	}
	files, err := listLogFiles(dir, order)
	if err != nil {
		return nil, err
	}
	byN := map[int][]FileInfo{}
	for _, f := range files {
		byN[f.n] = append(byN[f.n], f.info)
	}
	gens := make([]Generation, 0, len(byN))
	for n, files := range byN {
		gens = append(gens, Generation{N: n, Files: files})
	}
	slices.SortFunc(gens, func(a, b Generation) int { return cmp.Compare(genRank(a.N), genRank(b.N)) })
	return gens, nil
}

// genRank orders generation numbers oldest first with the active set (0) last: after every
// generation, since none is above MaxGeneration.
func genRank(n int) int {
	if n == 0 {
		return MaxGeneration + 1
	}
	return n
}

// logFile is a regular log file of ListGenerations with where it sorts: its generation n (0 when
// active), the rank of its base in the names given, and whether it is the compressed form.
type logFile struct {
	info       FileInfo
	n, rank    int
	compressed bool
}

// listLogFiles returns the regular active and generation files in dir of the bases in order,
// sorted by base rank, plain before compressed, then name (so each generation's files are in
// order once grouped).
func listLogFiles(dir string, order map[string]int) ([]logFile, error) {
	entries, err := readDirNames(dir)
	if err != nil {
		return nil, err
	}
	var files []logFile
	for _, name := range entries {
		f, mine := classifyLog(name, order)
		if !mine {
			continue
		}
		fi, err := os.Lstat(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue // removed since listing
		}
		if err != nil {
			return nil, fileErr("stat", filepath.Join(dir, name), "", err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		f.info = FileInfo{Name: name, Size: fi.Size(), ModTime: fi.ModTime(), Compressed: f.compressed}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b logFile) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if a.compressed != b.compressed {
			if b.compressed {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.info.Name, b.info.Name)
	})
	return files, nil
}

// classifyLog reports whether name is a generation or active log of a base in order, and which.
func classifyLog(name string, order map[string]int) (logFile, bool) {
	if g, ok := ParseGeneration(name); ok {
		rank, mine := order[g.Base]
		return logFile{n: g.N, rank: rank, compressed: g.Compressed}, mine
	}
	if base, ok := ActiveBase(name); ok {
		rank, mine := order[base]
		return logFile{rank: rank}, mine
	}
	return logFile{}, false
}

// baseOrder validates active log names and maps each base to its position in names.
func baseOrder(names []string) (map[string]int, error) {
	order := make(map[string]int, len(names))
	for i, name := range names {
		base, ok := ActiveBase(name)
		if !ok {
			return nil, fileErr("use as active log name", name, "", errBadActiveName)
		}
		if _, dup := order[base]; dup {
			return nil, fileErr("use as active log name", name, "", errDuplicateName)
		}
		order[base] = i
	}
	return order, nil
}
