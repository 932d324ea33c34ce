// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

func TestExitWithAdvisesNoRotateWhenNotStarted(t *testing.T) {
	err := exitWith(1, fmt.Errorf("%w: cannot rotate", hooks.ErrNotStarted))
	var exit cli.ExitCoder
	require.True(t, errors.As(err, &exit))
	require.Equal(t, 1, exit.ExitCode())
	require.Equal(t, "instance not started: cannot rotate (Hint: to let Lima delete the logs, run limactl logkeep start --no-rotate INSTANCE)", err.Error())

	err = exitWith(1, errors.New("other"))
	require.Equal(t, "other", err.Error())
}

func TestExitForNamesPreservedCommand(t *testing.T) {
	err := exitFor(fmt.Errorf("%w: gone; it has 2 %w", history.ErrNotFound, history.ErrHasPreserved))
	require.Contains(t, err.Error(), "it has 2 preserved set(s) (Hint: limactl logkeep preserved INSTANCE)")
	require.NotContains(t, exitFor(history.ErrNotFound).Error(), "logkeep preserved")
	require.NoError(t, exitFor(nil))
	exit := cli.Exit("as it is", 2)
	require.Equal(t, exit, exitFor(exit))
}

func TestBeforeBootNamesStartAtLoginNotNoRotate(t *testing.T) {
	require.NoError(t, exitWith(0, nil, serviceBootHint("vm")))
	err := exitWith(0, fmt.Errorf("%w: cannot rotate", hooks.ErrNotStarted), serviceBootHint("vm"))
	require.Contains(t, err.Error(), "(Hint: to stop keeping its boots, run limactl logkeep start-at-login --enabled=false vm)")
	require.NotContains(t, err.Error(), "--no-rotate")
	err = exitWith(0, hooks.ErrRunning, serviceBootHint("vm"))
	require.NotContains(t, err.Error(), "start-at-login")
}

func TestExitWithSaysHowToDeleteAnywayWhenNotPreserved(t *testing.T) {
	err := exitWith(1, fmt.Errorf("not deleting instance \"vm\": %w: disk full", hooks.ErrNotPreserved))
	require.Contains(t, err.Error(), "(Hint: to let Lima remove the logs, run it with $RDD_KEEP_LOGS and --keep-logs unset)")
}

// A message carries one hint at most: one from a lower room is kept, none added.
func TestWithHintAddsAtMostOne(t *testing.T) {
	inner := fmt.Errorf("failed to inspect instance \"vm\": %w (Hint: run it with the real limactl)", limaadapter.ErrLimactlNotFound)
	assert.Equal(t, inner.Error(), withHint(inner))
	err := fmt.Errorf("%w: no \"limactl\" in PATH", limaadapter.ErrLimactlNotFound)
	assert.Equal(t, err.Error()+" (Hint: install Lima, or give its path with --limactl or $LIMACTL)", withHint(err))
}
