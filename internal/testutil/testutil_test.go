// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBufferKeepsEveryConcurrentWrite(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				n, err := b.Write([]byte("ab"))
				assert.NoError(t, err)
				assert.Equal(t, 2, n)
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, strings.Repeat("ab", 800), b.String())
}

func TestDirNamesSorted(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"serial.log", "ha.stderr.log", "b"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "a"), 0o755))
	assert.Equal(t, []string{"a", "b", "ha.stderr.log", "serial.log"}, DirNames(t, dir))
	assert.Empty(t, DirNames(t, t.TempDir()))
}

func TestUntarReturnsContentsInArchiveOrder(t *testing.T) {
	var archive bytes.Buffer
	zw := gzip.NewWriter(&archive)
	tw := tar.NewWriter(zw)
	for _, f := range []struct{ name, body string }{{"vm/serial.log", "boot 2\n"}, {"vm/ha.stderr.log", ""}, {"MANIFEST", "x"}} {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body))}))
		_, err := tw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())

	files, order := Untar(t, &archive)
	assert.Equal(t, []string{"vm/serial.log", "vm/ha.stderr.log", "MANIFEST"}, order)
	assert.Equal(t, map[string]string{"vm/serial.log": "boot 2\n", "vm/ha.stderr.log": "", "MANIFEST": "x"}, files)
}
