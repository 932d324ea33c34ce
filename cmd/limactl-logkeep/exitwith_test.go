package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/hooks"
)

func TestExitWithAdvisesNoRotateWhenNotStarted(t *testing.T) {
	err := exitWith(1, fmt.Errorf("cannot rotate: %w", hooks.ErrNotStarted))
	var exit cli.ExitCoder
	require.True(t, errors.As(err, &exit))
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, err.Error(), "limactl logkeep start --no-rotate INSTANCE")

	err = exitWith(1, errors.New("other"))
	require.NotContains(t, err.Error(), "--no-rotate")
}

func TestExitForNamesPreservedCommand(t *testing.T) {
	err := exitFor(fmt.Errorf("%w: gone; it has 2 %w", history.ErrNotFound, history.ErrHasPreserved))
	require.Contains(t, err.Error(), "it has 2 preserved set(s): limactl logkeep preserved INSTANCE")
	require.NotContains(t, exitFor(history.ErrNotFound).Error(), "logkeep preserved")
}

func TestBeforeBootErrorNamesStartAtLoginNotNoRotate(t *testing.T) {
	require.NoError(t, beforeBootError("vm", nil))
	err := beforeBootError("vm", fmt.Errorf("cannot rotate\n%w: booting would delete", hooks.ErrNotStarted))
	require.Contains(t, err.Error(), "limactl logkeep start-at-login --enabled=false vm")
	require.NotContains(t, err.Error(), "--no-rotate")
	err = beforeBootError("vm", hooks.ErrRunning)
	require.NotContains(t, err.Error(), "start-at-login")
}

func TestExitWithSaysHowToDeleteAnywayWhenNotPreserved(t *testing.T) {
	err := exitWith(1, fmt.Errorf("not deleting instance \"vm\": %w: disk full", hooks.ErrNotPreserved))
	require.Contains(t, err.Error(), "run it with $RDD_KEEP_LOGS and --keep-logs unset")
}
