// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// bootLog returns a few KB of distinct text for a boot.
func bootLog(boot int) string {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "[%5d.%03d] boot %d: line %d of the console\n", boot, i, boot, i)
	}
	return b.String()
}

func gzipString(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func readLog(t *testing.T, path string) string {
	t.Helper()
	r, err := OpenLog(path)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

func TestRotateCompress(t *testing.T) {
	t.Run("round trip", func(t *testing.T) {
		dir := t.TempDir()
		base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		for boot := 1; boot <= 4; boot++ {
			p := filepath.Join(dir, "serial.log")
			writeFile(t, p, bootLog(boot))
			require.NoError(t, os.Chmod(p, 0o640))
			setMtime(t, p, base.Add(time.Duration(boot)*time.Hour))
			res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, Compress: true})
			require.NoError(t, err)
			require.Equal(t, boot, res.Generation)
			if boot > 1 {
				assert.Equal(t, []string{fmt.Sprintf("serial.%d.log", boot-1)}, res.Compressed)
			}
		}
		assert.Equal(t, []string{"serial.2.log.gz", "serial.3.log.gz", "serial.4.log"}, testutil.DirNames(t, dir))
		for boot := 2; boot <= 4; boot++ {
			name := fmt.Sprintf("serial.%d.log", boot)
			if boot < 4 {
				name += ".gz"
			}
			p := filepath.Join(dir, name)
			assert.Equal(t, bootLog(boot), readLog(t, p), name)
			fi, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "mode kept: %s", name)
			assert.True(t, base.Add(time.Duration(boot)*time.Hour).Equal(fi.ModTime()), "mtime kept: %s", name)
		}
		n, err := nextGeneration(dir)
		require.NoError(t, err)
		assert.Equal(t, 5, n)
	})

	t.Run("both forms after a crash, identical: plain removed", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "serial.1.log"), bootLog(1))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.1.log.gz"), gzipString(t, bootLog(1)), 0o644))
		writeFile(t, filepath.Join(dir, "serial.log"), bootLog(2))
		res, err := Rotate(dir, RotateOptions{Names: limaLogs, KeepAll: true, Compress: true})
		require.NoError(t, err)
		assert.Equal(t, []string{"serial.1.log"}, res.Compressed)
		assert.Equal(t, []string{"serial.1.log.gz", "serial.2.log"}, testutil.DirNames(t, dir))
		assert.Equal(t, bootLog(1), readLog(t, filepath.Join(dir, "serial.1.log.gz")))
	})

	bothKept := []struct {
		name string
		gz   func(t *testing.T) []byte
	}{
		{"different content", func(t *testing.T) []byte { return gzipString(t, bootLog(9)) }},
		{"one byte more", func(t *testing.T) []byte { return gzipString(t, bootLog(1)+"x") }},
		{"truncated gzip", func(t *testing.T) []byte { b := gzipString(t, bootLog(1)); return b[:len(b)/2] }},
		{"not gzip at all", func(t *testing.T) []byte { return []byte(bootLog(1)) }},
	}
	for _, tt := range bothKept {
		t.Run("both forms after a crash, "+tt.name+": both kept and reported", func(t *testing.T) {
			dir := t.TempDir()
			gz := tt.gz(t)
			writeFile(t, filepath.Join(dir, "serial.1.log"), bootLog(1))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.1.log.gz"), gz, 0o644))
			writeFile(t, filepath.Join(dir, "serial.log"), bootLog(2))
			res, err := Rotate(dir, RotateOptions{Names: limaLogs, KeepAll: true, Compress: true})
			require.NoError(t, err)
			assert.Empty(t, res.Compressed)
			require.Len(t, res.Skipped, 1)
			assert.Equal(t, "serial.1.log", res.Skipped[0].Name)
			assert.Contains(t, res.Skipped[0].Reason, "both kept")
			assert.Equal(t, bootLog(1), readFile(t, filepath.Join(dir, "serial.1.log")))
			assert.Equal(t, string(gz), readFile(t, filepath.Join(dir, "serial.1.log.gz")))
		})
	}

	t.Run("leftover temporary files of an interrupted compression are removed", func(t *testing.T) {
		dir := t.TempDir()
		ours := ".serial.1.log.gz.tmp-0123456789abcdef"
		notOurs := []string{".serial.1.log.gz.tmp-xyz", ".foo.1.log.gz.tmp-0123456789abcdef",
			".serial.1.log.tmp-0123456789abcdef"}
		writeFile(t, filepath.Join(dir, ours), "partial gzip")
		for _, f := range notOurs {
			writeFile(t, filepath.Join(dir, f), "not ours")
		}
		writeFile(t, filepath.Join(dir, "serial.1.log"), bootLog(1))
		writeFile(t, filepath.Join(dir, "serial.log"), bootLog(2))
		res, err := Rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 5, Compress: true})
		require.NoError(t, err)
		assert.Equal(t, []string{ours}, res.Cleaned)
		assert.Equal(t, []string{"serial.1.log"}, res.Compressed)
		assert.ElementsMatch(t, append(notOurs, "serial.1.log.gz", "serial.2.log"), testutil.DirNames(t, dir))
		assert.Equal(t, bootLog(1), readLog(t, filepath.Join(dir, "serial.1.log.gz")))
	})
}

func TestOpenLogGzipCorruptIsAnError(t *testing.T) {
	dir := t.TempDir()
	b := gzipString(t, bootLog(1))
	p := filepath.Join(dir, "serial.1.log.gz")
	require.NoError(t, os.WriteFile(p, b[:len(b)-4], 0o644)) // length trailer cut
	r, err := OpenLog(p)
	require.NoError(t, err)
	defer r.Close()
	_, err = io.ReadAll(r)
	require.Error(t, err)
}
