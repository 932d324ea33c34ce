// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// OpenLog opens a log for reading, gunzipping transparently when path ends in ".gz". It refuses
// symbolic links and other non-regular files (errors.Is(err, ErrNotRegular)) rather than follow
// them. A corrupt or truncated ".gz" file gives a read error, never silently short data. Close
// closes the underlying file.
func OpenLog(path string) (io.ReadCloser, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, fileErr("open", path, "", err)
	}
	if !strings.HasSuffix(path, gzSuffix) {
		return f, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fileErr("decompress", path, "", err)
	}
	return &gzipFile{Reader: zr, f: f}, nil
}

type gzipFile struct {
	*gzip.Reader
	f *os.File
}

func (g *gzipFile) Close() error {
	err := g.Reader.Close()
	if cerr := g.f.Close(); err == nil {
		err = cerr
	}
	return err
}
