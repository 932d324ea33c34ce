// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"errors"

	"limactl-logkeep/limaadapter"
)

// StartOptions are limactl-logkeep's own options of start and restart.
type StartOptions struct {
	NoRotate bool // start without rotating: Lima will delete the current logs
	// Console, when set, receives what Lima writes to the instance's serial
	// console logs while limactl starts it. limactl is then run as a child
	// (signals relayed) instead of replacing this process.
	Console ConsoleWriter
}

// Start runs a `limactl start` line (inv.Command "start"; the line is parsed once,
// limaadapter.ParseBootLine). It rotates the logs of the instance it would boot, when it
// exists and is stopped (never for a file, template or URL argument: limactl then
// creates a new instance and refuses an existing name), then hands over to
// `limactl start` with the arguments unchanged. A running instance's logs are
// never renamed; limactl reports it. A rotation failure stops here, before
// limactl would delete the logs. A line it cannot parse (a flag of a newer Lima,
// say) goes through with one warning naming the instances whose logs are at risk.
func (h Hooks) Start(ctx context.Context, inv limaadapter.Invocation, opts StartOptions) (int, error) {
	line := limaadapter.ParseBootLine(inv)
	boots := line.Verdict == limaadapter.MayBoot
	if line.Verdict == limaadapter.Unknown && !opts.NoRotate {
		h.warnAtRisk(line)
	}
	if boots && !line.FromTemplate && !opts.NoRotate {
		if err := h.rotateBeforeStart(ctx, line.Instance); err != nil {
			return 1, err
		}
	}
	if opts.Console != nil {
		if boots {
			return h.runFollowingConsole(ctx, line.Instance, opts.Console, inv.Argv())
		}
		h.Log.Warn("Cannot tell which instance limactl start will boot; not showing its console")
	}
	return h.handOver(inv.Argv()...)
}

// Restart runs a `limactl restart` line (inv.Command "restart"): it stops the
// instance when it runs (forcibly with -f), rotates its logs and starts it again. A line with no flag but -f and limactl's global flags
// goes on with `limactl start GLOBAL-FLAGS NAME`; a line with Lima v2's other restart flags (--progress, the flags of
// `limactl edit`) goes on with itself, `limactl restart ...` unchanged, which
// finds the instance stopped, says so, and applies them as it boots. Arguments
// limactl would reject, and an instance that does not exist, go to `limactl
// restart` unchanged so limactl answers; a line it cannot parse goes there with
// a warning naming the instance at risk. Any other failure to inspect the
// instance stops here with the error: nothing is stopped or started.
func (h Hooks) Restart(ctx context.Context, inv limaadapter.Invocation, opts StartOptions) (int, error) {
	line := limaadapter.ParseBootLine(inv)
	if line.Verdict != limaadapter.MayBoot {
		if line.Verdict == limaadapter.Unknown && !opts.NoRotate {
			h.warnAtRisk(line)
		}
		return h.handOver(inv.Argv()...)
	}
	inst, err := h.Lima.Inspect(ctx, line.Instance)
	if errors.Is(err, limaadapter.ErrNoInstance) {
		return h.handOver(inv.Argv()...) // limactl reports it
	} else if err != nil {
		return 1, inspectError(inv, line.Instance, err)
	}
	if !inst.Stopped() {
		if status, err := h.stop(ctx, inv, line.Instance, line.Force); err != nil || status != 0 {
			return status, err
		}
	}
	if !opts.NoRotate {
		if err := h.rotateBeforeStart(ctx, line.Instance); err != nil {
			return 1, err
		}
	}
	argv := inv.Argv()
	if line.Plain {
		argv = inv.With("start", line.StartArgs...)
	}
	if opts.Console != nil {
		return h.runFollowingConsole(ctx, line.Instance, opts.Console, argv)
	}
	return h.handOver(argv...)
}
