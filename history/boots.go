// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"limactl-logkeep/logfile"
)

// Boot is the logs of one boot of an instance.
//
// Index counts from the newest boot recorded: 0 is the newest (the current boot
// when the active logs exist), -1 the one before, and so on, like journalctl -b.
// Generation is N of the "<name>.<N>.log" files, 0 for the active logs.
type Boot struct {
	Index      int
	Generation int
	First      time.Time // the oldest modification time of its files
	Last       time.Time // the newest modification time of its files
	Size       int64     // sum of the files' sizes on disk
	Files      []File    // in the order of Store.LogNames
	Outcome    Outcome   // how it went; empty until Store.ReadOutcomes
}

// Current reports whether b is the active logs (not yet rotated).
func (b Boot) Current() bool { return b.Generation == 0 }

// File returns the file of log ("serial") in b. When both a plain and a ".gz" form
// exist (left by an interrupted compression), the plain one is returned.
func (b Boot) File(log string) (File, bool) {
	for _, f := range b.Files {
		if f.Log == log {
			return f, true
		}
	}
	return File{}, false
}

// Boots returns the boots recorded in the directory of instance name, oldest
// first. An instance whose logs were all rotated away or never written has none.
func (s Store) Boots(name string) ([]Boot, error) {
	dir, err := s.existingInstanceDir(name)
	if err != nil {
		return nil, err
	}
	return s.bootsIn(dir)
}

// bootsIn lists the boots of the logs in dir.
func (s Store) bootsIn(dir string) ([]Boot, error) {
	gens, err := logfile.ListGenerations(dir, s.LogNames)
	if err != nil {
		return nil, err
	}
	boots := make([]Boot, len(gens))
	for i, g := range gens {
		b := Boot{Index: i - (len(gens) - 1), Generation: g.N}
		for _, fi := range g.Files {
			f := newFile(dir, fi.Name, fi.Size, fi.ModTime, fi.Compressed)
			b.Files = append(b.Files, f)
			b.Size += f.Size
			if b.First.IsZero() || f.Modified.Before(b.First) {
				b.First = f.Modified
			}
			if f.Modified.After(b.Last) {
				b.Last = f.Modified
			}
		}
		boots[i] = b
	}
	return boots, nil
}

// BootSelector picks one boot: by Index (0, -1, ...), or when ByGeneration by
// generation number N, or when Outcome is set the newest boot with that outcome.
type BootSelector struct {
	Index        int
	Generation   int
	ByGeneration bool
	Outcome      string // "failed", ...: the newest boot whose Outcome.Result it is
}

// ErrBadSelector means a boot selector is not 0, a negative index, a generation or an outcome.
var ErrBadSelector = errors.New("not a boot: use 0 (newest), -1, -2, ..., a generation number N >= 1, or an outcome such as failed")

// ParseBootSelector parses "0", "-1", "-2", ... (an index), "N" >= 1 (a generation
// number) or a word of lower-case letters (an outcome, "failed"; the caller checks
// that it is one, and reads the outcomes before Select).
func ParseBootSelector(s string) (BootSelector, error) {
	s = strings.TrimSpace(s)
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == "" {
		return BootSelector{Outcome: s}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return BootSelector{}, fmt.Errorf("%q: %w", s, ErrBadSelector)
	}
	if n > 0 {
		return BootSelector{Generation: n, ByGeneration: true}, nil
	}
	return BootSelector{Index: n}, nil
}

// String gives the selector back as the user would write it.
func (sel BootSelector) String() string {
	switch {
	case sel.Outcome != "":
		return sel.Outcome
	case sel.ByGeneration:
		return strconv.Itoa(sel.Generation)
	}
	return strconv.Itoa(sel.Index)
}

// ErrNoBoot means the selected boot is not recorded. It wraps ErrNotFound.
var ErrNoBoot = fmt.Errorf("%w: no such boot", ErrNotFound)

// Select returns the boot sel picks among boots (as Boots returns them; with their
// outcomes read for a selector by outcome).
func Select(boots []Boot, sel BootSelector) (Boot, error) {
	if sel.Outcome != "" {
		for i := len(boots) - 1; i >= 0; i-- {
			if boots[i].Outcome.Result == sel.Outcome {
				return boots[i], nil
			}
		}
		return Boot{}, fmt.Errorf("%w: none of the %d boots recorded is %s", ErrNoBoot, len(boots), sel.Outcome)
	}
	for _, b := range boots {
		if (sel.ByGeneration && b.Generation == sel.Generation) || (!sel.ByGeneration && b.Index == sel.Index) {
			return b, nil
		}
	}
	if len(boots) == 0 {
		return Boot{}, fmt.Errorf("%w %s: no logs recorded", ErrNoBoot, sel)
	}
	what := fmt.Sprintf("indexes %d to 0", boots[0].Index)
	if len(boots) == 1 {
		what = "index 0 only"
	}
	if sel.ByGeneration {
		var gens []string
		for _, b := range boots {
			if !b.Current() {
				gens = append(gens, strconv.Itoa(b.Generation))
			}
		}
		switch len(gens) {
		case 0:
			what = "no generations, only the current boot, index 0"
		case 1:
			what = "generation " + gens[0]
		default:
			what = "generations " + strings.Join(gens, ", ")
		}
	}
	return Boot{}, fmt.Errorf("%w %s (recorded: %s)", ErrNoBoot, sel, what)
}
