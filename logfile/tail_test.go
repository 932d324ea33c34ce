// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lastLines is the reference: the last n lines of s as `tail -n` prints them.
func lastLines(s string, n int) string {
	if n <= 0 || s == "" {
		return ""
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if n > len(lines) {
		n = len(lines)
	}
	return strings.Join(lines[len(lines)-n:], "")
}

// tailBoth runs TailLines on content stored plain and gzipped, checking both give the same.
func tailBoth(t *testing.T, content string, ns ...int) []string {
	t.Helper()
	dir := t.TempDir()
	plain := filepath.Join(dir, "serial.1.log")
	writeFile(t, plain, content)
	gz := filepath.Join(dir, "serial.2.log.gz")
	require.NoError(t, os.WriteFile(gz, gzipString(t, content), 0o644))
	var got []string
	for _, n := range ns {
		var a, b bytes.Buffer
		require.NoError(t, TailLines(plain, n, &a))
		require.NoError(t, TailLines(gz, n, &b))
		require.True(t, a.String() == b.String(), "plain and gzip agree for n=%d", n)
		got = append(got, a.String())
	}
	return got
}

func TestTailLines(t *testing.T) {
	tests := []struct {
		name    string
		content string
		n       int
		want    string
	}{
		{"last two", "a\nb\nc\n", 2, "b\nc\n"},
		{"no trailing newline", "a\nb\nc", 2, "b\nc"},
		{"no newline at all", "just one line", 1, "just one line"},
		{"n larger than lines", "a\nb\nc\n", 10, "a\nb\nc\n"},
		{"n equals lines", "a\nb\nc\n", 3, "a\nb\nc\n"},
		{"empty file", "", 3, ""},
		{"n zero", "a\nb\n", 0, ""},
		{"n negative", "a\nb\n", -1, ""},
		{"empty lines", "\n\n\n", 2, "\n\n"},
		{"single newline", "\n", 1, "\n"},
		{"leading empty line", "\na\n", 2, "\na\n"},
		{"CRLF kept", "a\r\nb\r\n", 1, "b\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tailBoth(t, tt.content, tt.n)[0])
			assert.Equal(t, tt.want, lastLines(tt.content, tt.n), "reference agrees")
		})
	}
}

func TestTailLinesLargeFile(t *testing.T) {
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "line %d %s\n", i, strings.Repeat("x", i%97))
	}
	b.WriteString(strings.Repeat("y", 3*tailBlock+17) + "\n") // one line longer than several blocks
	b.WriteString("last line without newline")
	content := b.String()
	ns := []int{1, 2, 3, 1000, 150_000, 200_002, 500_000}
	for i, got := range tailBoth(t, content, ns...) {
		want := lastLines(content, ns[i])
		require.Equal(t, len(want), len(got), "n=%d", ns[i])
		require.True(t, want == got, "n=%d", ns[i])
	}
}

func TestTailLinesRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "target"), "secret\n")
	require.NoError(t, os.Symlink(filepath.Join(dir, "target"), filepath.Join(dir, "serial.log")))
	var out bytes.Buffer
	err := TailLines(filepath.Join(dir, "serial.log"), 5, &out)
	require.ErrorIs(t, err, ErrNotRegular)
	assert.Empty(t, out.String())
	_, err = OpenLog(filepath.Join(dir, "serial.log"))
	require.ErrorIs(t, err, ErrNotRegular)
}

func TestTailLinesWriteFailureIsNotALogError(t *testing.T) {
	dir := t.TempDir()
	plain, gz := filepath.Join(dir, "serial.log"), filepath.Join(dir, "serial.2.log.gz")
	writeFile(t, plain, "a\nb\n")
	require.NoError(t, os.WriteFile(gz, gzipString(t, "a\nb\n"), 0o644))
	for _, path := range []string{plain, gz} {
		err := TailLines(path, 1, failingWriter{})
		require.Error(t, err, path)
		var fe *FileError
		assert.False(t, errors.As(err, &fe), "%s: a failing writer is not a fault of the log: %v", path, err)
		assert.Contains(t, err.Error(), "write last lines of "+path)
	}
}
