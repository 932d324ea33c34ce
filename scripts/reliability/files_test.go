// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// digest identifies a file's content.
type digest struct {
	sum  [32]byte
	size int64
}

// original is a log written by a test, remembered to find it again byte for byte.
type original struct {
	name  string // file name where it was written
	dig   digest
	mode  fs.FileMode
	mtime time.Time
	boot  int // the boot it belongs to (rotation), 0 otherwise
}

// oldTime is the modification time given to originals, so that a move that loses it shows.
var oldTime = time.Date(2024, 2, 29, 12, 34, 56, 0, time.UTC)

// writeLog writes size pseudo-random bytes (from rng) to path with mode, an old modification
// time, and returns its record. The first line names the file and the boot, for humans.
func writeLog(t *testing.T, path string, size int64, mode fs.FileMode, boot int, rng *rand.Rand) original {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	h := sha256.New()
	w := io.MultiWriter(f, h)
	header := []byte(fmt.Sprintf("boot %d %s %016x\n", boot, filepath.Base(path), rng.Uint64()))
	if int64(len(header)) > size {
		header = header[:size]
	}
	_, err = w.Write(header)
	require.NoError(t, err)
	buf := make([]byte, 1<<20)
	for left := size - int64(len(header)); left > 0; {
		n := min(left, int64(len(buf)))
		for i := 0; i+8 <= int(n); i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], rng.Uint64())
		}
		for i := int(n) &^ 7; i < int(n); i++ {
			buf[i] = byte(rng.Uint32())
		}
		_, err = w.Write(buf[:n])
		require.NoError(t, err)
		left -= n
	}
	require.NoError(t, f.Close())
	require.NoError(t, os.Chmod(path, mode))
	require.NoError(t, os.Chtimes(path, oldTime, oldTime))
	o := original{name: filepath.Base(path), mode: mode, mtime: oldTime, boot: boot}
	copy(o.dig.sum[:], h.Sum(nil))
	o.dig.size = size
	return o
}

// digestFile returns the digest of the regular file path (not following a symlink), gunzipping it
// first when gunzip is set. A truncated or corrupt gzip stream is an error.
func digestFile(path string, gunzip bool) (digest, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return digest{}, err
	}
	if !fi.Mode().IsRegular() {
		return digest{}, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode())
	}
	f, err := os.Open(path)
	if err != nil {
		return digest{}, err
	}
	defer f.Close()
	var r io.Reader = f
	if gunzip {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return digest{}, err
		}
		defer zr.Close()
		r = zr
	}
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return digest{}, err
	}
	var d digest
	copy(d.sum[:], h.Sum(nil))
	d.size = n
	return d, nil
}

// newRNG returns a random source seeded from $LOGKEEP_REL_SEED, or the clock; the seed is logged
// so that a failing run can be replayed.
func newRNG(t *testing.T) *rand.Rand {
	seed, err := strconv.ParseUint(os.Getenv("LOGKEEP_REL_SEED"), 10, 64)
	if err != nil {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("random seed %d (replay with LOGKEEP_REL_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, 0x10c4ee9))
}

// randomSize draws a log size from a mix: mostly bytes to kilobytes, some hundreds of KiB to a
// few MiB.
func randomSize(rng *rand.Rand) int64 {
	switch x := rng.Float64(); {
	case x < 0.55:
		return rng.Int64N(300)
	case x < 0.88:
		return 1<<10 + rng.Int64N(256<<10)
	default:
		return 256<<10 + rng.Int64N(3<<20)
	}
}

// logSize is randomSize for the log base (or name), at least one byte for the host agent's logs: an empty
// ha.stdout.log or ha.stderr.log may be a booting instance's and is never rotated
// (limaadapter.StartLogs).
func logSize(rng *rand.Rand, base string) int64 {
	if strings.HasPrefix(base, "ha.") {
		return max(1, randomSize(rng))
	}
	return randomSize(rng)
}

// bigSize draws the size of a big log: tens of MiB.
func bigSize(rng *rand.Rand) int64 { return 8<<20 + rng.Int64N(32<<20) }

// tempName matches the temporary files of logfile's crash-safe copies and compressions:
// ".<final name>.tmp-<16 hex digits>".
var tempName = regexp.MustCompile(`^\..+\.tmp-[0-9a-f]{16}$`)

// setName matches the set directories of logfile.Preserve.
var setName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z(\.[1-9][0-9]*)?$`)

// entry is one path of a snapshot.
type entry struct {
	mode   fs.FileMode
	dig    digest // regular files
	target string // symbolic links
	mtime  time.Time
}

// snapshot records every path under root (without following symbolic links) with its type, mode,
// content digest or link target. skip, if not nil, leaves out matching relative paths (and what
// is below them).
func snapshot(t *testing.T, root string, skip func(rel string) bool) map[string]entry {
	t.Helper()
	snap := map[string]entry{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if skip != nil && rel != "." && skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode()}
		switch {
		case fi.Mode().IsRegular():
			e.mtime = fi.ModTime()
			if e.dig, err = digestFile(path, false); err != nil {
				return err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			if e.target, err = os.Readlink(path); err != nil {
				return err
			}
		}
		snap[rel] = e
		return nil
	})
	require.NoError(t, err)
	return snap
}

// diffSnapshots describes how after differs from before, one line per path.
func diffSnapshots(before, after map[string]entry) []string {
	var diffs []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			diffs = append(diffs, "removed: "+p)
		case a != b:
			diffs = append(diffs, fmt.Sprintf("changed: %s (%v -> %v)", p, b.mode, a.mode))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diffs = append(diffs, "added: "+p)
		}
	}
	sort.Strings(diffs)
	return diffs
}

// listDir returns the names in dir, sorted; a missing dir gives none.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// isLogName reports whether name is one Preserve moves: "*.log" or "*.log.gz".
func isLogName(name string) bool {
	return strings.HasSuffix(name, ".log") || strings.HasSuffix(name, ".log.gz")
}

// gunzipAll returns the decompressed content of a gzip file (a .tar.gz bundle: its tar stream).
func gunzipAll(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
