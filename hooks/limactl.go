package hooks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
		h.Log.Errorf("limactl stop %s failed (exit status %d); nothing else was done", name, status)
	}
	return status, nil
}

// inspectError is the error of a lifecycle command that stops because the
// instance name could not be inspected.
func inspectError(inv limaadapter.Invocation, name string, err error) error {
	return fmt.Errorf("cannot tell the state of instance %q: %w\nNothing was done, because `limactl %s` could then lose its logs. "+
		"Fix the cause and try again, or run `limactl %s %s` with the real limactl to let Lima go ahead without keeping them",
		name, err, inv.Command, inv.Command, name)
}

// quotedOr names instances for a warning: "a", or "a" or "b".
func quotedOr(names []string) string {
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = strconv.Quote(name)
	}
	return strings.Join(quoted, " or ")
}

// count writes n things: "1 file", "4 files".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
