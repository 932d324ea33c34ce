// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// Untar reads the .tar.gz stream r and returns every entry's content by name,
// and the names in archive order. It fails the test on a malformed archive.
func Untar(t testing.TB, r io.Reader) (files map[string]string, order []string) {
	t.Helper()
	zr, err := gzip.NewReader(r)
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	files = map[string]string{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, order
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		files[hdr.Name] = string(b)
		order = append(order, hdr.Name)
	}
}
