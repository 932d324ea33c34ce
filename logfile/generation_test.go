// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseGeneration(t *testing.T) {
	maxInt := strconv.Itoa(math.MaxInt)
	maxGen := strconv.Itoa(MaxGeneration)
	tests := []struct {
		in   string
		want GenerationName
		ok   bool
	}{
		{"serial.1.log", GenerationName{Base: "serial", N: 1}, true},
		{"ha.stderr.12.log", GenerationName{Base: "ha.stderr", N: 12}, true},
		{"serialv.3.log.gz", GenerationName{Base: "serialv", N: 3, Compressed: true}, true},
		{"x.log.3.log", GenerationName{Base: "x.log", N: 3}, true},
		{"serial.1.2.log", GenerationName{Base: "serial.1", N: 2}, true},
		{"x." + maxGen + ".log", GenerationName{Base: "x", N: MaxGeneration}, true},
		{"x." + strconv.Itoa(MaxGeneration+1) + ".log", GenerationName{}, false},
		{"x." + maxInt + ".log", GenerationName{}, false},
		{"x.0000000001.log", GenerationName{}, false},
		{"serial.log", GenerationName{}, false},
		{"serial.0.log", GenerationName{}, false},
		{"serial.01.log", GenerationName{}, false},
		{"serial.+1.log", GenerationName{}, false},
		{"serial.-1.log", GenerationName{}, false},
		{"serial.1a.log", GenerationName{}, false},
		{"serial. 1.log", GenerationName{}, false},
		{"serial..log", GenerationName{}, false},
		{"serial.\u0661.log", GenerationName{}, false}, // Arabic-Indic digit one
		{".1.log", GenerationName{}, false},
		{"1.log", GenerationName{}, false},
		{"a/b.1.log", GenerationName{}, false},
		{"a\x00.1.log", GenerationName{}, false},
		{"serial.1.LOG", GenerationName{}, false},
		{"serial.1.log.gz.gz", GenerationName{}, false},
		{"serial.1.gz", GenerationName{}, false},
		{"serial.1.log.tmp", GenerationName{}, false},
		{".serial.1.log.gz.tmp-0123456789abcdef", GenerationName{}, false},
		{"x.99999999999999999999.log", GenerationName{}, false},
		{"x.9223372036854775808.log", GenerationName{}, false}, // math.MaxInt64 + 1
		{"", GenerationName{}, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.in), func(t *testing.T) {
			got, ok := ParseGeneration(tt.in)
			require.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
			if ok {
				assert.Equal(t, tt.in, got.String(), "String is the inverse of ParseGeneration")
			}
		})
	}
}

func TestActiveBase(t *testing.T) {
	for name, want := range map[string]string{"serial.log": "serial", "ha.stderr.log": "ha.stderr"} {
		base, ok := ActiveBase(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, base, name)
	}
	for _, name := range []string{"serial", ".log", "serial.3.log", "serial.3.log.gz", "a/b.log", "lima.yaml", "x.log.gz"} {
		_, ok := ActiveBase(name)
		assert.False(t, ok, "%q is no active log name", name)
	}
}

func TestIsLogName(t *testing.T) {
	for _, name := range []string{"serial.log", "serial.3.log", "serial.3.log.gz", "ha.stderr.log"} {
		assert.True(t, IsLogName(name), name)
	}
	for _, name := range []string{"lima.yaml", "serial.log.tmp", "serial.gz", "log"} {
		assert.False(t, IsLogName(name), name)
	}
}

// FuzzParseGeneration checks both round trips: every accepted name prints back to itself and
// parses to the same GenerationName, and every valid one built from the input parses back from its String.
// Seeds are in testdata/fuzz/FuzzParseGeneration.
func FuzzParseGeneration(f *testing.F) {
	for _, s := range []string{"serial.1.log", "ha.stderr.7.log.gz", "x.01.log", "x.-1.log", ".1.log"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ParseGeneration(s); ok {
			if n.String() != s {
				t.Fatalf("ParseGeneration(%q) = %+v, String() = %q", s, n, n.String())
			}
			if n.N < 1 || n.N > MaxGeneration || !validBase(n.Base) {
				t.Fatalf("ParseGeneration(%q) accepted an invalid GenerationName %+v", s, n)
			}
		}
		if !validBase(s) {
			return
		}
		for _, want := range []GenerationName{{Base: s, N: 1}, {Base: s, N: len(s) + 1, Compressed: true}, {Base: s, N: MaxGeneration}} {
			got, ok := ParseGeneration(want.String())
			if !ok || got != want {
				t.Fatalf("ParseGeneration(%q) = %+v, %v; want %+v", want.String(), got, ok, want)
			}
		}
	})
}

func TestNextGeneration(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		links []string // symlinks (to a missing target)
		dirs  []string
		want  int
	}{
		{name: "empty", want: 1},
		{name: "only active logs", files: []string{"serial.log", "ha.stderr.log"}, want: 1},
		{name: "any name counts, compressed too",
			files: []string{"serial.3.log", "ha.stderr.7.log.gz", "other.2.log", "lima.yaml"}, want: 8},
		{name: "unparsable huge number ignored",
			files: []string{"x.99999999999999999999.log", "serial.2.log"}, want: 3},
		{name: "numbers above MaxGeneration ignored",
			files: []string{"serial.9223372036854775807.log", "serial.1000000000.log", "serial.2.log"}, want: 3},
		{name: "leading zero ignored", files: []string{"serial.09.log", "serial.2.log"}, want: 3},
		{name: "symlink counts", files: []string{"serial.2.log"}, links: []string{"serial.9.log"}, want: 10},
		{name: "directory counts", dirs: []string{"y.4.log"}, want: 5},
		{name: "temporary files ignored", files: []string{".serial.8.log.gz.tmp-0123456789abcdef"}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				writeFile(t, filepath.Join(dir, f), "x")
			}
			for _, l := range tt.links {
				require.NoError(t, os.Symlink("/nonexistent", filepath.Join(dir, l)))
			}
			for _, d := range tt.dirs {
				require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o755))
			}
			got, err := nextGeneration(dir)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNextGenerationAtMaxGenerationIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x."+strconv.Itoa(MaxGeneration)+".log"), "x")
	_, err := nextGeneration(dir)
	require.Error(t, err)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, dir, fe.Path)
	assert.ErrorIs(t, err, errGenerationOverflow)
}

func TestNextGenerationMissingDir(t *testing.T) {
	_, err := nextGeneration(filepath.Join(t.TempDir(), "missing"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestIsPlainName(t *testing.T) {
	for name, want := range map[string]bool{
		"lima.yaml": true, "..log": true, ".hidden": true, "a..b": true,
		"": false, ".": false, "..": false, "/": false, "a/b": false, "../x": false, "a\x00b": false,
	} {
		assert.Equal(t, want, isPlainName(name), "%q", name)
	}
	assert.True(t, validBase("."), `"..log" is a plain name`)
	assert.False(t, validBase(""))
	assert.False(t, validBase("a/b"))
}
