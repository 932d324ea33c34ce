package hooks

import (
	"context"
	"errors"
	"fmt"
	"io"

	"limactl-logkeep/limaadapter"
)

// StartOptions are limactl-logkeep's own options of start and restart.
type StartOptions struct {
	NoRotate bool // start without rotating: Lima will delete the current logs
	// ShowConsole streams the instance's serial console logs, prefixed, to
	// ConsoleOut while limactl starts it. limactl is then run as a child (signals
	// relayed) instead of replacing this process.
	ShowConsole bool
	ConsoleOut  io.Writer // nil: os.Stderr
}

// Start rotates the logs of the instance `limactl start` would boot, when it
// exists and is stopped (never for a file, template or URL argument: limactl then
// creates a new instance and refuses an existing name), then hands over to
// `limactl start` with the arguments unchanged. A running instance's logs are
// never renamed; limactl reports it. A rotation failure stops here, before
// limactl would delete the logs. A line it cannot parse (a flag of a newer Lima,
// say) goes through with one warning naming the instances whose logs are at risk.
func (h Hooks) Start(ctx context.Context, inv limaadapter.Invocation, opts StartOptions) (int, error) {
	line, ok := limaadapter.ParseStart(inv.Args)
	if !ok && !opts.NoRotate {
		h.warnAtRisk(inv)
	}
	if ok && !line.FromTemplate && !opts.NoRotate {
		if err := h.rotateBeforeStart(ctx, line.Name); err != nil {
			return 1, err
		}
	}
	if opts.ShowConsole {
		if ok {
			return h.runShowingConsole(ctx, line.Name, opts.ConsoleOut, inv.Argv())
		}
		h.Log.Warn("Cannot tell which instance limactl start will boot; not showing its console")
	}
	return h.Lima.Exec(inv.Argv()...)
}

// Restart stops the instance when it runs (forcibly with -f), rotates its logs
// and starts it again. A line with no flag but -f goes on with `limactl start
// NAME`; a line with Lima v2's other restart flags (--progress, the flags of
// `limactl edit`) goes on with itself, `limactl restart ...` unchanged, which
// finds the instance stopped, says so, and applies them as it boots. Arguments
// limactl would reject, and an instance that does not exist, go to `limactl
// restart` unchanged so limactl answers; a line it cannot parse goes there with
// a warning naming the instance at risk. Any other failure to inspect the
// instance stops here with the error: nothing is stopped or started.
func (h Hooks) Restart(ctx context.Context, inv limaadapter.Invocation, opts StartOptions) (int, error) {
	line, verdict := limaadapter.ParseRestart(inv.Args)
	if verdict != limaadapter.MayBoot {
		if verdict == limaadapter.Unknown && !opts.NoRotate {
			h.warnAtRisk(inv)
		}
		return h.Lima.Exec(inv.Argv()...)
	}
	inst, err := h.Lima.Inspect(ctx, line.Name)
	if errors.Is(err, limaadapter.ErrNoInstance) {
		return h.Lima.Exec(inv.Argv()...) // limactl reports it
	} else if err != nil {
		return 1, inspectError(inv, line.Name, err)
	}
	if !inst.Stopped() {
		if status, err := h.stop(ctx, inv, line.Name, line.Force); err != nil || status != 0 {
			return status, err
		}
	}
	if !opts.NoRotate {
		if err := h.rotateBeforeStart(ctx, line.Name); err != nil {
			return 1, err
		}
	}
	argv := inv.Argv()
	if line.Plain {
		argv = inv.With("start", line.Name)
	}
	if opts.ShowConsole {
		return h.runShowingConsole(ctx, line.Name, opts.ConsoleOut, argv)
	}
	return h.Lima.Exec(argv...)
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

func notStartedError(name string, err error) error {
	return fmt.Errorf("%w\nThe instance was not started, because starting would delete the logs. "+
		"Fix the cause and try again, or start without keeping them: limactl-logkeep start --no-rotate %s", err, name)
}
