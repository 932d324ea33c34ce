// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limasim

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without anything keeping them, Lima's starts lose the last boot's logs: Check says which.
func TestStartsLoseLogsAndCheckSaysWhich(t *testing.T) {
	home := t.TempDir()
	in, err := Create(home, "vm")
	require.NoError(t, err)
	var steps []StartStep
	require.NoError(t, in.Start(QEMU, time.Millisecond, func(s StartStep) { steps = append(steps, s) }))
	assert.Equal(t, []StartStep{AfterHostAgentLogs, AfterPID, AfterConsole}, steps)
	assert.Error(t, in.Start(QEMU, 0, nil), "already running")
	require.NoError(t, in.Run())
	rep, err := Check(in, filepath.Join(home, "_logkeep", "vm"))
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%s", rep)
	assert.Equal(t, []string{filepath.Join(in.Dir, SerialV)}, rep.Where["boot 1 serialv.log"])

	require.NoError(t, in.Stop())
	require.NoError(t, in.Start(VZ, 0, nil))
	assert.Equal(t, 2, in.Boot())
	rep, err = Check(in, filepath.Join(home, "_logkeep", "vm"))
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.ElementsMatch(t, []string{"boot 1 ha.stderr.log", "boot 1 ha.stdout.log", "boot 1 serialv.log"}, keys(rep.Lost))
	assert.Contains(t, rep.String(), "lost 3 logs")
	_, b, ok := BootOf([]byte(in.Wrote(2)[SerialV]))
	assert.True(t, ok)
	assert.Equal(t, 2, b)
	_, _, ok = BootOf([]byte("something else"))
	assert.False(t, ok)
}

func keys(lost []string) []string {
	var out []string
	for _, l := range lost {
		out = append(out, l[:len(l)-len(" (000 bytes)")])
	}
	return out
}

// A generation holding two boots' logs is flagged, and a boot split over two generations.
func TestCheckFlagsMixedAndSplitGenerations(t *testing.T) {
	home := t.TempDir()
	in, err := Create(home, "vm")
	require.NoError(t, err)
	require.NoError(t, in.Start(QEMU, 0, nil))
	require.NoError(t, in.Stop())
	for name, b := range in.Wrote(1) {
		n := "1"
		if name == Serial {
			n = "2"
		}
		require.NoError(t, os.WriteFile(filepath.Join(in.Dir, name[:len(name)-len(".log")]+"."+n+".log"), b, 0o644))
	}
	require.NoError(t, in.Start(QEMU, 0, nil))
	require.NoError(t, os.WriteFile(filepath.Join(in.Dir, "serialv.2.log"), in.Wrote(2)[SerialV], 0o644))
	rep, err := Check(in, filepath.Join(home, "_logkeep", "vm"))
	require.NoError(t, err)
	assert.Empty(t, rep.Lost)
	assert.Equal(t, []string{in.Dir + " generation 2: boots [1 2]"}, rep.Mixed)
	assert.Equal(t, []string{"boot 1 in 2 generations", "boot 2 in 2 generations"}, rep.Split)
	require.NoError(t, in.Delete())
	assert.NoDirExists(t, in.Dir)
}
