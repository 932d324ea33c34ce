// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// chunk is 1 MiB of console-like text lines, the content every generated log repeats.
var chunk = func() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "[%6d.%06d] logkeep-bench: console line %d, some words a kernel would print\n",
			i/1000, i%1000*997, i)
	}
	return []byte(b.String()[:1<<20])
}()

// WriteLog creates path (mode 0644, failing if it exists) holding size bytes of console-like text.
func WriteLog(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, int(min(max(size, 16), 1<<20)))
	for left := size; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Generations writes, in the existing directory dir, each active log of names (e.g. "serial.log")
// and its generations "<base>.<N>.log" for N = 1..gens, every file size bytes long. It returns the
// names of the files written, active logs first.
func Generations(dir string, names []string, gens int, size int64) ([]string, error) {
	files := append([]string{}, names...)
	for _, name := range names {
		base := strings.TrimSuffix(name, ".log")
		for n := 1; n <= gens; n++ {
			files = append(files, fmt.Sprintf("%s.%d.log", base, n))
		}
	}
	for _, f := range files {
		if err := WriteLog(filepath.Join(dir, f), size); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// LimaLogNames are the six active logs of a Lima instance (limaadapter.LogNames), spelled out so
// that this package and the mover link nothing of Lima.
var LimaLogNames = []string{
	"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log",
}
