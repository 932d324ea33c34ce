// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"limactl-logkeep/limaadapter"
)

// ErrNotStarted means an instance was not started because its logs could not
// be kept first: starting would have let Lima delete them.
var ErrNotStarted = errors.New("instance not started")

// handOver hands the process over to the real limactl with argv, the last step
// of every hook. It returns status 0 when Lima.Exec returns without error (only
// a fake does), else 1 and the error.
func (h Hooks) handOver(argv ...string) (int, error) {
	if err := h.Lima.Exec(argv...); err != nil {
		return 1, err
	}
	return 0, nil
}

// stop runs `limactl stop [-f] name` with the invocation's global flags.
func (h Hooks) stop(ctx context.Context, inv limaadapter.Invocation, name string, force bool) (int, error) {
	args := []string{name}
	if force {
		args = []string{"--force", name}
	}
	status, err := h.Lima.Run(ctx, inv.With("stop", args...)...)
	if err != nil {
		return 1, err
	}
	if status != 0 {
		h.Log.WithField("instance", name).Errorf("limactl stop failed (exit status %d), so nothing else was done", status)
	}
	return status, nil
}

// inspectError is the error of a lifecycle command that stops because the
// instance name could not be inspected: running the line could lose its logs.
func inspectError(inv limaadapter.Invocation, name string, err error) error {
	return fmt.Errorf("failed to inspect instance %q, so nothing was done: %w "+
		"(Hint: to go on without keeping its logs, run limactl %s %s with the real limactl)", name, err, inv.Command, name)
}

// count writes n things: "1 file", "4 files".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
