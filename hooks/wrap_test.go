package hooks

import (
	"context"
	"path/filepath"
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
