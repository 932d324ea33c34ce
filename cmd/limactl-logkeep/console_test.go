// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lineSink struct {
	mu     sync.Mutex
	writes []string
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, string(p))
	return len(p), nil
}

func TestPrefixWriterWritesWholeLinesOnly(t *testing.T) {
	var sink lineSink
	w := &prefixWriter{out: &sink, mu: &sync.Mutex{}, prefix: "[p] "}
	for _, chunk := range []string{"ab", "c\nde", "f\n\ng", "h"} {
		n, err := w.Write([]byte(chunk))
		require.NoError(t, err)
		assert.Equal(t, len(chunk), n)
	}
	require.NoError(t, w.Close())
	assert.Equal(t, []string{"[p] abc\n", "[p] def\n", "[p] \n", "[p] gh\n"}, sink.writes)

	sink.writes = nil
	long := strings.Repeat("x", maxLine+10)
	_, err := w.Write([]byte(long))
	require.NoError(t, err)
	require.Len(t, sink.writes, 1, "a huge partial line is not held forever")
	assert.Equal(t, "[p] "+long+"\n", sink.writes[0])
}

func TestPrefixedConsoleNamesInstanceAndLog(t *testing.T) {
	var out bytes.Buffer
	console := prefixedConsole(&out)
	serial, serialv := console("vm", "serial"), console("vm", "serialv")
	_, err := serial.Write([]byte("boot 2 marker\nlogin: "))
	require.NoError(t, err)
	_, err = serialv.Write([]byte("hvc0 up\n"))
	require.NoError(t, err)
	require.NoError(t, serial.Close())
	require.NoError(t, serialv.Close())
	assert.Equal(t, "[vm serial] boot 2 marker\n[vm serialv] hvc0 up\n[vm serial] login: \n", out.String())
}
