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
	// Warn, when set, is told of each file left out because it could not be opened.
	Warn func(msg string)
}

// item is one file to put in the bundle.
type item struct {
	archive string // path in the archive, below the prefix
	file    File
	gunzip  bool // decompress a ".gz" into archive
}

// plan lists what Collect puts in the bundle and fills the manifest's instances.
func (s Store) plan(opts CollectOptions, m *Manifest) ([]item, error) {
	names := opts.Instances
	if err := s.ValidNames(names); err != nil {
		return nil, err
	}
	explicit := len(names) > 0
	if !explicit {
		existing, err := s.instanceNames()
		if err != nil {
			return nil, err
		}
		preserved, err := s.preservedNames()
		if err != nil {
			return nil, err
		}
		names = slices.Compact(slices.Sorted(slices.Values(append(existing, preserved...))))
	}
	var items []item
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		entry, found, err := s.planInstance(name)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			if explicit {
				dir, _ := s.InstanceDir(name)
				return nil, fmt.Errorf("%w for instance %q: nothing in %s and no preserved sets in %s",
					ErrNotFound, name, dir, filepath.Join(s.LogsDir, name))
			}
			continue
		}
		m.Instances = append(m.Instances, entry)
		items = append(items, found...)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no instance has logs and there are no preserved sets in %s", ErrNotFound, s.LogsDir)
	}
	return items, nil
}

// planInstance lists the files of one instance: its active and rotated logs and
// configuration when its directory exists, and its preserved sets.
func (s Store) planInstance(name string) (ManifestInstance, []item, error) {
	entry := ManifestInstance{Name: name, PreservedSets: []string{}}
	var items []item
	dir, err := s.InstanceDir(name)
	if err != nil {
		return entry, nil, err
	}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		entry.InstanceDir = dir
		boots, err := s.bootsIn(dir)
		if err != nil {
			return entry, nil, err
		}
		var files []File
		for _, b := range boots {
			files = append(files, b.Files...)
		}
		if cfg, ok, err := statFile(dir, s.ConfigFile); err != nil {
			return entry, nil, err
		} else if ok {
			files = append([]File{cfg}, files...)
		}
		items = append(items, itemsOf(path.Join(name, "instance"), files)...)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return entry, nil, fmt.Errorf("cannot read instance %q: %w", name, err)
	}
	sets, err := s.setsOf(name)
	if err != nil {
		return entry, nil, err
	}
	for _, set := range sets {
		entry.PreservedSets = append(entry.PreservedSets, set.Name)
		items = append(items, itemsOf(path.Join(name, "preserved", set.Name), set.Files)...)
	}
	return entry, items, nil
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
// exists) and preserved sets, then "limactl-version.txt" and, last, a
// "manifest.json" listing every file with its size and sha256. Compressed
// generations are stored decompressed. Memory use does not grow with the sizes of
// the files. A file that cannot be opened, or a ".gz" that does not decompress, is
// left out, reported through opts.Warn and in the manifest's "skipped"; a file that shrinks while read gives an error
// wrapping ErrChanged; any other failure, or ctx being done, returns an
// error and leaves w with an incomplete archive. Nothing is changed on disk.
func (s Store) Collect(ctx context.Context, w io.Writer, opts CollectOptions) (Manifest, error) {
	now := nowOr(opts.Now)
	m := Manifest{Format: ManifestFormat, Created: now.UTC(), ToolVersion: opts.ToolVersion,
		Instances: []ManifestInstance{}, Files: []ManifestFile{}, Skipped: []ManifestSkip{}}
	items, err := s.plan(opts, &m)
	if err != nil {
		return m, err
	}
	b := newBundle(ctx, w, opts.Prefix, opts.Progress)
	for _, it := range items {
		b.total += it.file.Size
	}
	for _, it := range items {
		if err := b.addFile(it, &m, opts.Warn); err != nil {
			return m, err
		}
	}
	if err := b.addVersion(opts.LimactlVersion, &m); err != nil {
		return m, err
	}
	if err := b.addManifest(&m); err != nil {
		return m, err
	}
	return m, b.close()
}
