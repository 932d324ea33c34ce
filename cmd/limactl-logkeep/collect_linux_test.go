// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"limactl-logkeep/limaadapter"
)

// openTerminal opens a new pseudo-terminal and returns its terminal side.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { ptmx.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { tty.Close() })
	return tty
}

// collect -o - with a terminal on standard output refuses, as tar does, before
// writing anything.
func TestCollectToStandardOutputRefusesATerminal(t *testing.T) {
	env, _ := keptHome(t)
	cmd := program(t, env, "collect", "vm", "-o", "-")
	cmd.Dir = t.TempDir()
	cmd.Stdout = openTerminal(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	status, err := limaadapter.ExitStatus(cmd.Run())
	require.NoError(t, err)
	assert.Equal(t, 2, status)
	assert.Equal(t, "limactl-logkeep: collect: refusing to write the archive to a terminal; redirect standard output, or give -o FILE.tar.gz\n", stderr.String())
	entries, err := os.ReadDir(cmd.Dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
