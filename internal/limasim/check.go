// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limasim

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"limactl-logkeep/logfile"
)

// Report is what Check found.
type Report struct {
	Lost      []string // "boot B LOG (N bytes)" of each log of a boot found whole nowhere
	LostBytes int64
	// Mixed are the generations (and active sets) holding logs of more than one boot:
	// "<dir> generation N: boots [1 2]".
	Mixed []string
	// Split are the boots whose logs are in more than one generation of one directory.
	Split []string
	// Where says where each boot's logs were found: "boot B LOG" -> the paths.
	Where map[string][]string
}

// OK reports whether nothing was lost and no generation holds two boots.
func (r Report) OK() bool { return len(r.Lost) == 0 && len(r.Mixed) == 0 }

func (r Report) String() string {
	return fmt.Sprintf("lost %d logs (%d bytes) %v; generations with two boots %v; split boots %v",
		len(r.Lost), r.LostBytes, r.Lost, r.Mixed, r.Split)
}

// keptFile is one file where logs are kept, read whole (gunzipped).
type keptFile struct {
	path    string
	group   string // "<dir> generation N", "<dir> active", "<set>"
	content []byte
}

// Check looks for every log of every boot of in, finished or running, in in.Dir (active logs and
// generations, gzipped or not) and in every preserved set under setsDir (logs dir/<instance>), and
// checks that no generation, active set or preserved set's generation holds logs of two boots.
// A finished boot's log must be found byte for byte; the running boot's as written so far.
func Check(in *Instance, setsDir string) (Report, error) {
	var kept []keptFile
	if err := readKept(in.Dir, in.Dir, &kept); err != nil && !os.IsNotExist(err) {
		return Report{}, err
	}
	sets, _ := os.ReadDir(setsDir)
	for _, s := range sets {
		if s.IsDir() {
			if err := readKept(filepath.Join(setsDir, s.Name()), "set "+s.Name(), &kept); err != nil {
				return Report{}, err
			}
		}
	}
	r := Report{Where: map[string][]string{}}
	groups := map[string]map[int]bool{}
	bootGroups := map[int]map[string]bool{}
	for _, f := range kept {
		inst, b, ok := BootOf(f.content)
		if !ok || inst != in.Name {
			continue
		}
		if groups[f.group] == nil {
			groups[f.group] = map[int]bool{}
		}
		groups[f.group][b] = true
		if filepath.Dir(f.path) == in.Dir {
			if bootGroups[b] == nil {
				bootGroups[b] = map[string]bool{}
			}
			bootGroups[b][f.group] = true
		}
	}
	for g, boots := range groups {
		if len(boots) > 1 {
			var bs []int
			for b := range boots {
				bs = append(bs, b)
			}
			slices.Sort(bs)
			r.Mixed = append(r.Mixed, fmt.Sprintf("%s: boots %v", g, bs))
		}
	}
	sort.Strings(r.Mixed)
	in.mu.Lock()
	defer in.mu.Unlock()
	for b := 1; b <= in.boot; b++ {
		if n := len(bootGroups[b]); n > 1 {
			r.Split = append(r.Split, fmt.Sprintf("boot %d in %d generations", b, n))
		}
		names := make([]string, 0, len(in.wrote[b]))
		for name := range in.wrote[b] {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			want := in.wrote[b][name]
			key := fmt.Sprintf("boot %d %s", b, name)
			for _, f := range kept {
				if bytes.Equal(f.content, want) {
					r.Where[key] = append(r.Where[key], f.path)
				}
			}
			if len(r.Where[key]) == 0 {
				r.Lost = append(r.Lost, fmt.Sprintf("%s (%d bytes)", key, len(want)))
				r.LostBytes += int64(len(want))
			}
		}
	}
	return r, nil
}

// readKept reads every log of dir into kept, grouping generations by number.
func readKept(dir, label string, kept *[]keptFile) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !logfile.IsLogName(e.Name()) {
			continue
		}
		group := label + " active"
		if g, ok := logfile.ParseGeneration(e.Name()); ok {
			group = fmt.Sprintf("%s generation %d", label, g.N)
		}
		path := filepath.Join(dir, e.Name())
		r, err := logfile.OpenLog(path)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		*kept = append(*kept, keptFile{path: path, group: group, content: b})
	}
	return nil
}
