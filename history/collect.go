// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// CollectOptions says what Collect bundles and how it reports.
type CollectOptions struct {
	// Instances to collect; empty means every instance that exists and every
	// instance with preserved sets.
	Instances []string
	// Prefix is the top directory of every entry in the archive, e.g. "bug-1234".
	Prefix string
	// LimactlVersion returns the output of `limactl --version`; nil or an error is
	// recorded in the bundle instead.
	LimactlVersion func() (string, error)
	// ToolVersion is limactl-logkeep's version, recorded in the manifest.
	ToolVersion string
	// Now is the manifest's creation time; zero means time.Now().
	Now time.Time
	// Progress, when set, is called as data is read with the bytes read so far and
	// the total size on disk of the files to collect.
	Progress func(done, total int64)
	// Warn, when set, is told of each file or directory left out because it could not be read.
	Warn func(msg string)
	// GuestLogs, when set (collect --guest), reads the guest's own logs of an instance whose
	// directory exists; it must bound each read in time and size and never fail.
	GuestLogs func(ctx context.Context, instance string) []GuestLog
	// Redact, when set (collect --redact), replaces its values, and every address, key and port
	// it recognises, in every file of the bundle (see Redaction). Files on disk are never changed.
	Redact *Redaction
}

// GuestLog is one log read from inside a guest for a bundle, stored as
// <instance>/guest/<Name>.
type GuestLog struct {
	Name      string // file name in the bundle ("dmesg.log"); "" when nothing could be asked (Missing says why)
	Command   string // how it was read, e.g. "limactl shell vm sudo dmesg"
	Data      []byte // what it gave
	Truncated bool   // Data stops at a size limit
	Missing   string // why it was not taken ("" when Data is the log)
}

// item is one file to put in the bundle.
type item struct {
	archive string // path in the archive, below the prefix
	file    File
	gunzip  bool // decompress a ".gz" into archive
}

// location is one directory of logs of an instance: its instance directory or a preserved set.
type location struct {
	dir     string // on disk
	archive string // in the archive, below the prefix: "<instance>/instance" or "<instance>/preserved/<set>"
	set     string // the set's name; "" for the instance directory
	boots   []Boot // with their outcomes
}

// plannedInstance is one instance of the bundle: its manifest entry and its locations.
type plannedInstance struct {
	entry     ManifestInstance
	locations []location
}

// plan lists what Collect puts in the bundle. A directory or file that cannot be read is
// left out, listed in m.Skipped and told to warn; an instance named in opts with nothing at
// all to collect (and nothing left out) is an error wrapping ErrNotFound.
func (s Store) plan(opts CollectOptions, m *Manifest, warn func(string)) ([]item, []plannedInstance, error) {
	skip := func(source string, err error) {
		m.Skipped = append(m.Skipped, ManifestSkip{Source: source, Reason: err.Error()})
		if warn != nil {
			warn("left out of the bundle: " + err.Error())
		}
	}
	explicit := len(opts.Instances) > 0
	names, logsDirOK, err := s.collectNames(opts.Instances, skip)
	if err != nil {
		return nil, nil, err
	}
	var items []item
	var planned []plannedInstance
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		skipped := len(m.Skipped)
		inst, found, err := s.planInstance(name, logsDirOK, skip)
		if err != nil {
			return nil, nil, err
		}
		if len(found) == 0 && len(m.Skipped) == skipped {
			if explicit {
				dir, _ := s.InstanceDir(name)
				return nil, nil, fmt.Errorf("%w for instance %q: nothing in %s and no preserved sets in %s",
					ErrNotFound, name, dir, filepath.Join(s.LogsDir, name))
			}
			continue
		}
		planned = append(planned, inst)
		items = append(items, found...)
	}
	if len(items) == 0 && len(m.Skipped) == 0 {
		return nil, nil, fmt.Errorf("%w: no instance has logs and there are no preserved sets in %s", ErrNotFound, s.LogsDir)
	}
	return items, planned, nil
}

// collectNames returns the instances a bundle collects: names, once they are
// valid, or when none are named every instance and every one with preserved
// sets, sorted. logsDirOK is false when the logs directory cannot be read (it
// is told to skip).
func (s Store) collectNames(names []string, skip func(string, error)) (_ []string, logsDirOK bool, _ error) {
	if err := s.ValidNames(names); err != nil {
		return nil, false, err
	}
	preserved, err := s.preservedNames()
	if logsDirOK = err == nil; !logsDirOK {
		skip(s.LogsDir, err)
	}
	if len(names) > 0 {
		return names, logsDirOK, nil
	}
	existing, err := s.instanceNames()
	if err != nil {
		return nil, false, err
	}
	return slices.Compact(slices.Sorted(slices.Values(append(existing, preserved...)))), logsDirOK, nil
}

// planInstance lists the files of one instance, its active and rotated logs and configuration
// when its directory exists, and its preserved sets, and reads how each boot went. What cannot
// be read is told to skip and left out; logsDirOK false says the logs directory itself was
// (so its sets are looked for, but not reported again).
func (s Store) planInstance(name string, logsDirOK bool, skip func(string, error)) (plannedInstance, []item, error) {
	p := plannedInstance{entry: ManifestInstance{Name: name, PreservedSets: []string{}, Boots: []ManifestBoot{}}}
	var items []item
	dir, err := s.InstanceDir(name)
	if err != nil {
		return p, nil, err
	}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		p.entry.InstanceDir = dir
		if boots, err := s.bootsIn(dir); err != nil {
			skip(dir, fmt.Errorf("cannot read the logs of instance %q: %w", name, err))
		} else {
			s.readOutcomes(dir, boots, true)
			var files []File
			for _, b := range boots {
				files = append(files, b.Files...)
			}
			if cfg, ok, err := statFile(dir, s.ConfigFile); err != nil {
				skip(filepath.Join(dir, s.ConfigFile), err)
			} else if ok {
				files = append([]File{cfg}, files...)
			}
			loc := location{dir: dir, archive: path.Join(name, "instance"), boots: boots}
			p.locations = append(p.locations, loc)
			items = append(items, itemsOf(loc.archive, files)...)
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		skip(dir, fmt.Errorf("cannot read instance %q: %w", name, err))
	}
	for _, set := range s.readableSets(name, logsDirOK, skip) {
		loc := location{dir: set.Path, archive: path.Join(name, "preserved", set.Name), set: set.Name}
		if boots, err := s.bootsIn(set.Path); err == nil {
			s.readOutcomes(set.Path, boots, false)
			loc.boots = boots
		}
		p.entry.PreservedSets = append(p.entry.PreservedSets, set.Name)
		p.locations = append(p.locations, loc)
		items = append(items, itemsOf(loc.archive, set.Files)...)
	}
	for _, loc := range p.locations {
		for _, b := range loc.boots {
			mb := ManifestBoot{Dir: loc.archive, Index: b.Index, OutcomeFields: outcomeFields(b.Outcome)}
			if !b.Current() {
				mb.Generation = &b.Generation
			}
			p.entry.Boots = append(p.entry.Boots, mb)
		}
	}
	return p, items, nil
}

// readableSets returns the preserved sets of instance name that can be read; the instance's
// directory of sets (when logsDirOK), or a set, that cannot be read is told to skip.
func (s Store) readableSets(name string, logsDirOK bool, skip func(string, error)) []Set {
	sets, err := s.setsOf(name, skip)
	if err != nil {
		if logsDirOK {
			skip(filepath.Join(s.LogsDir, name), err)
		}
		return nil
	}
	return sets
}

// itemsOf places files under dir in the archive, a ".gz" decompressed under its
// plain name unless that name is taken by a plain file too.
func itemsOf(dir string, files []File) []item {
	taken := map[string]bool{}
	for _, f := range files {
		taken[f.Name] = true
	}
	items := make([]item, 0, len(files))
	for _, f := range files {
		it := item{archive: path.Join(dir, f.Name), file: f}
		if plain, ok := strings.CutSuffix(f.Name, ".gz"); ok && f.Compressed && !taken[plain] {
			it.archive, it.gunzip = path.Join(dir, plain), true
		}
		items = append(items, it)
	}
	return items
}

// ErrChanged means a file changed while Collect was reading it, so the archive
// would not hold what the manifest says; collecting again usually succeeds.
var ErrChanged = errors.New("file changed while being read")

// Collect writes a gzipped tar archive of the logs of opts.Instances to w: for
// each instance its configuration, active and rotated logs (when its directory
// exists) and preserved sets, with opts.GuestLogs the guest's own logs under
// <instance>/guest/, then "limactl-version.txt", "SUMMARY.md" (each boot's outcome
// and, for a boot that failed or ran degraded, the end of its console and host
// agent log; what was left out, not found in the guest, or redacted) and, last, a
// "manifest.json" listing every file with its size and sha256 and every boot with
// its outcome. Compressed generations are stored decompressed. With opts.Redact
// every entry is redacted on its way into the archive. Memory use does not grow with
// the sizes of the files.
//
// A directory or file that cannot be read (a preserved set, the logs directory, a
// log), or a ".gz" that does not decompress, is left out, reported through opts.Warn
// and listed in the manifest's "skipped": the bundle is still written. A file that
// shrinks while read gives an error wrapping ErrChanged; any other failure, or ctx
// being done, returns an error and leaves w with an incomplete archive. Nothing is
// changed on disk.
func (s Store) Collect(ctx context.Context, w io.Writer, opts CollectOptions) (Manifest, error) {
	now := nowOr(opts.Now)
	m := Manifest{Format: ManifestFormat, Created: now.UTC(), ToolVersion: opts.ToolVersion,
		Instances: []ManifestInstance{}, Files: []ManifestFile{}, Skipped: []ManifestSkip{},
		GuestLogs: []ManifestGuestLog{}, Redacted: []ManifestRedacted{}}
	items, planned, err := s.plan(opts, &m, opts.Warn)
	if err != nil {
		return m, err
	}
	for _, p := range planned {
		m.Instances = append(m.Instances, p.entry)
	}
	b := newBundle(ctx, w, opts.Prefix, opts.Progress)
	defer b.cleanup()
	if opts.Redact != nil {
		b.rd = newRedactor(withPorts(*opts.Redact, planned))
	}
	for _, it := range items {
		b.total += it.file.Size
	}
	for _, it := range items {
		if err := b.addFile(it, &m, opts.Warn); err != nil {
			return m, err
		}
	}
	if opts.GuestLogs != nil {
		if err := b.addGuestLogs(ctx, opts.GuestLogs, &m); err != nil {
			return m, err
		}
	}
	if err := b.addVersion(opts.LimactlVersion, &m); err != nil {
		return m, err
	}
	if b.rd != nil {
		m.Redacted = b.rd.report()
	}
	summary := s.summary(&m, planned, opts.GuestLogs != nil, opts.Redact != nil)
	if err := b.addBytes("SUMMARY.md", summary, m.Created, "limactl-logkeep collect", &m); err != nil {
		return m, err
	}
	if err := b.addManifest(&m); err != nil {
		return m, err
	}
	return m, b.close()
}

// withPorts returns r with the ssh ports of every planned boot added to its known ports.
func withPorts(r Redaction, planned []plannedInstance) Redaction {
	r.Ports = slices.Clone(r.Ports)
	for _, p := range planned {
		for _, loc := range p.locations {
			for _, b := range loc.boots {
				r.Ports = append(r.Ports, b.Outcome.SSHLocalPorts...)
			}
		}
	}
	return r
}

// addGuestLogs asks read for the guest logs of each collected instance whose directory
// exists, stores what it gives under <instance>/guest/ and records every answer in m.
func (b *bundle) addGuestLogs(ctx context.Context, read func(context.Context, string) []GuestLog, m *Manifest) error {
	for _, inst := range m.Instances {
		if inst.InstanceDir == "" {
			continue
		}
		for _, g := range read(ctx, inst.Name) {
			if err := ctx.Err(); err != nil {
				return err
			}
			entry := ManifestGuestLog{Instance: inst.Name, Name: g.Name, Command: g.Command, Truncated: g.Truncated, Missing: g.Missing}
			if g.Missing == "" && g.Name != "" {
				name := path.Join(inst.Name, "guest", g.Name)
				if err := b.addBytes(name, g.Data, m.Created, g.Command, m); err != nil {
					return err
				}
				entry.Path = path.Join(b.prefix, name)
			}
			m.GuestLogs = append(m.GuestLogs, entry)
		}
	}
	return nil
}
