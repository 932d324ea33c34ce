// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"limactl-logkeep/hooks"
)

// prefixedConsole returns a hooks.ConsoleWriter that writes each console line
// to out prefixed "[<instance> <log>] ", one whole line at a time however many
// logs are followed at once.
func prefixedConsole(out io.Writer) hooks.ConsoleWriter {
	var mu sync.Mutex
	return func(instance, log string) io.WriteCloser {
		return &prefixWriter{out: out, mu: &mu, prefix: fmt.Sprintf("[%s %s] ", instance, log)}
	}
}

// maxLine is the longest partial line prefixWriter holds before writing it out.
const maxLine = 64 << 10

// prefixWriter writes each line it is given to out with a prefix, whole lines
// only, holding a partial line until it ends, grows past maxLine or Close.
type prefixWriter struct {
	out     io.Writer
	mu      *sync.Mutex
	prefix  string
	partial []byte
}

// Write writes every complete line of p (and what was held before it).
func (w *prefixWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 && len(w.partial) < maxLine {
			return len(p), nil
		}
		line := w.partial
		if i >= 0 {
			line = w.partial[:i+1]
		} else {
			line = append(line, '\n')
		}
		if err := w.writeLine(line); err != nil {
			return 0, err
		}
		if i < 0 {
			w.partial = w.partial[:0]
			return len(p), nil
		}
		w.partial = append(w.partial[:0], w.partial[i+1:]...)
	}
}

// Close writes a held partial line, ending it with a newline.
func (w *prefixWriter) Close() error {
	if len(w.partial) == 0 {
		return nil
	}
	err := w.writeLine(append(w.partial, '\n'))
	w.partial = w.partial[:0]
	return err
}

func (w *prefixWriter) writeLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.out.Write(append([]byte(w.prefix), line...))
	return err
}
