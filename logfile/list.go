package logfile

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// FileInfo describes one log file: its name in the directory, size in bytes and modification time.
type FileInfo struct {
	Name    string
	Size    int64
	ModTime time.Time
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
	entries, err := readDirNames(dir)
	if err != nil {
		return nil, err
	}
	type key struct {
		rank       int
		compressed bool
	}
	byN := map[int][]FileInfo{}
	keys := map[string]key{}
	for _, name := range entries {
		var n int
		var k key
		if g, ok := ParseGeneration(name); ok {
			rank, mine := order[g.Base]
			if !mine {
				continue
			}
			n, k = g.N, key{rank, g.Compressed}
		} else if base, ok := activeBase(name); ok {
			rank, mine := order[base]
			if !mine {
				continue
			}
			n, k = 0, key{rank, false}
		} else {
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
		keys[name] = k
		byN[n] = append(byN[n], FileInfo{Name: name, Size: fi.Size(), ModTime: fi.ModTime()})
	}
	gens := make([]Generation, 0, len(byN))
	for n, files := range byN {
		slices.SortFunc(files, func(a, b FileInfo) int {
			ka, kb := keys[a.Name], keys[b.Name]
			if c := cmp.Compare(ka.rank, kb.rank); c != 0 {
				return c
			}
			if ka.compressed != kb.compressed {
				if kb.compressed {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.Name, b.Name)
		})
		gens = append(gens, Generation{N: n, Files: files})
	}
	slices.SortFunc(gens, func(a, b Generation) int {
		switch {
		case a.N == b.N:
			return 0
		case a.N == 0:
			return 1
		case b.N == 0:
			return -1
		}
		return cmp.Compare(a.N, b.N)
	})
	return gens, nil
}

// baseOrder validates active log names and maps each base to its position in names.
func baseOrder(names []string) (map[string]int, error) {
	order := make(map[string]int, len(names))
	for i, name := range names {
		base, ok := activeBase(name)
		if !ok {
			return nil, &FileError{Op: "use as active log name", Path: name, Err: errBadActiveName}
		}
		if _, dup := order[base]; dup {
			return nil, &FileError{Op: "use as active log name", Path: name, Err: errDuplicateName}
		}
		order[base] = i
	}
	return order, nil
}
