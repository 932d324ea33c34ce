package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"

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
