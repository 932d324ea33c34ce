// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

const tailBlock = 64 << 10

// TailLines writes the last n lines of the log at path to w, like `tail -n n`: a final line
// without a trailing newline counts as a line and is written as is; n <= 0 writes nothing; n larger
// than the number of lines writes the whole file. A plain file is read backwards from its end in
// 64 KiB blocks to find where the last n lines start, then streamed (memory does not grow with the
// file size; data appended meanwhile is not included). A ".gz" file is streamed through gunzip
// keeping a ring of the last n lines (memory grows with n and line length, not file size). Symbolic
// links and non-regular files are refused (errors.Is(err, ErrNotRegular)).
func TailLines(path string, n int, w io.Writer) error {
	if strings.HasSuffix(path, gzSuffix) {
		r, err := OpenLog(path)
		if err != nil {
			return err
		}
		defer r.Close()
		lines, err := readLastLines(r, n)
		if err != nil {
			return fileErr("read last lines of", path, "", err)
		}
		for _, line := range lines {
			if _, err := w.Write(line); err != nil {
				return fmt.Errorf("write last lines of %s: %w", path, err)
			}
		}
		return nil
	}
	f, err := OpenRegular(path)
	if err != nil {
		return fileErr("open", path, "", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileErr("stat", path, "", err)
	}
	if n <= 0 {
		return nil
	}
	size := fi.Size()
	start, err := lastLinesStart(f, size, n)
	if err != nil {
		return fileErr("read last lines of", path, "", err)
	}
	if _, err := io.Copy(w, io.NewSectionReader(f, start, size-start)); err != nil {
		return fmt.Errorf("write last lines of %s: %w", path, err)
	}
	return nil
}

// lastLinesStart returns the offset where the last n (>= 1) lines of the first size bytes of r
// begin, reading backwards in blocks. The newline ending the data does not start another line.
func lastLinesStart(r io.ReaderAt, size int64, n int) (int64, error) {
	buf := make([]byte, tailBlock)
	found := 0
	for pos := size; pos > 0; {
		chunk := int64(len(buf))
		if pos < chunk {
			chunk = pos
		}
		pos -= chunk
		b := buf[:chunk]
		if _, err := r.ReadAt(b, pos); err != nil {
			if errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("file shrank while reading: %w", io.ErrUnexpectedEOF)
			}
			return 0, err
		}
		for i := bytes.LastIndexByte(b, '\n'); i >= 0; i = bytes.LastIndexByte(b[:i], '\n') {
			if pos+int64(i) == size-1 {
				continue // the newline ending the last line
			}
			found++
			if found == n {
				return pos + int64(i) + 1, nil
			}
		}
	}
	return 0, nil
}

// readLastLines reads r to its end and returns its last n lines, in order, keeping only those lines in
// memory.
func readLastLines(r io.Reader, n int) ([][]byte, error) {
	if n <= 0 {
		_, err := io.Copy(io.Discard, r) // still verify the stream (e.g. gzip checksum)
		return nil, err
	}
	br := bufio.NewReaderSize(r, tailBlock)
	var ring [][]byte
	next := 0 // index of the oldest line once the ring is full
	for {
		line, err := readLine(br, ring, next, n)
		if len(line) > 0 {
			if len(ring) < n {
				ring = append(ring, line)
			} else {
				ring[next] = line
				next = (next + 1) % n
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return slices.Concat(ring[next:], ring[:next]), nil
}

// readLine reads one line including its newline, reusing the buffer of the line it will replace.
func readLine(br *bufio.Reader, ring [][]byte, next, n int) ([]byte, error) {
	var line []byte
	if len(ring) == n {
		line = ring[next][:0]
	}
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}
