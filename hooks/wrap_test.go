// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrapDispatches(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Wrap(context.Background(), []string{"--log-level", "debug", "--tty=false", "start", "vm"})
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, "serial.1.log"), "start rotates")

	_, err = fx.hooks.Wrap(context.Background(), []string{"list", "--json"})
	require.NoError(t, err)

	_, err = fx.hooks.Wrap(context.Background(), []string{"-y", "rm", "vm"})
	require.NoError(t, err)
	assert.DirExists(t, filepath.Join(fx.hooks.LogsDir, "vm"), "rm preserves")

	assert.Equal(t, [][]string{
		{"--log-level", "debug", "--tty=false", "start", "vm"},
		{"list", "--json"},
		{"-y", "rm", "vm"},
	}, fx.lima.execs, "every line reaches limactl unchanged")
}

func TestRotateRefusesRunningInstance(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})

	err := fx.hooks.Rotate(context.Background(), []string{"vm"})
	require.ErrorIs(t, err, ErrRunning)
	assert.Contains(t, err.Error(), "limactl stop vm")
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestRotateMissingInstanceIsAnError(t *testing.T) {
	fx := newFixture(t)
	err := fx.hooks.Rotate(context.Background(), []string{"ghost"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ghost")
}

// PassesThrough must say yes exactly for the lines Wrap hands to limactl without
// touching anything: a stopped instance with logs shows whether a hook ran.
func TestPassesThroughAgreesWithWrap(t *testing.T) {
	for _, argv := range [][]string{
		{"list"}, {"--debug", "list", "--json"}, {"stop", "vm"}, {"shell", "vm", "start"}, {"--unknown", "start", "vm"},
		{}, {"--help"}, {"start", "vm"}, {"--tty=false", "restart", "vm"}, {"delete", "vm"}, {"rm", "vm"},
		{"remove", "vm"}, {"-y", "factory-reset", "vm"},
	} {
		fx := newFixture(t)
		fx.hooks.KeepLogs = true
		dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
		_, err := fx.hooks.Wrap(context.Background(), argv)
		require.NoError(t, err, "%q", argv)
		serial, _ := os.ReadFile(filepath.Join(dir, "serial.log"))
		untouched := len(fx.lima.runs) == 0 && len(fx.lima.execs) == 1 && slices.Equal(argv, fx.lima.execs[0]) &&
			string(serial) == "A"
		assert.Equal(t, untouched, fx.hooks.PassesThrough(argv), "%q", argv)
	}
}
