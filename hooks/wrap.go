// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"

	"limactl-logkeep/limaadapter"
)

// Wrap runs a whole limactl command line as limactl would, with the lifecycle
// hooks around start, restart, the other commands that may boot an instance
// (shell, edit, clone, rename: Door), delete (rm, remove) and factory-reset.
// Every other command goes to the real limactl unchanged.
func (h Hooks) Wrap(ctx context.Context, argv []string) (int, error) {
	inv := limaadapter.SplitCommand(argv)
	hook, ok := h.hookFor(inv.Command)
	if !ok {
		return h.handOver(argv...)
	}
	return hook(ctx, inv)
}

// PassesThrough reports whether Wrap hands the limactl command line argv to the
// real limactl unchanged, with no hook and no option of limactl-logkeep's
// involved, so that a caller may exec limactl at once: a command without a hook,
// or a door's line that boots nothing or names a running instance (the common
// `limactl shell RUNNING ...`). Of h it uses only StdoutTTY and StdinTTY.
func (h Hooks) PassesThrough(argv []string) bool {
	inv := limaadapter.SplitCommand(argv)
	if limaadapter.IsDoor(inv.Command) {
		line := limaadapter.ParseBootLine(inv)
		return line.Verdict == limaadapter.NoBoot || (line.Verdict == limaadapter.MayBoot && h.doorIsUntouched(line))
	}
	_, hooked := h.hookFor(inv.Command)
	return !hooked
}

// hookFor returns the lifecycle hook Wrap runs for the limactl command word
// command, and false for a command that goes to limactl unchanged.
func (h Hooks) hookFor(command string) (func(context.Context, limaadapter.Invocation) (int, error), bool) {
	switch command {
	case "start":
		return func(ctx context.Context, inv limaadapter.Invocation) (int, error) {
			return h.Start(ctx, inv, StartOptions{})
		}, true
	case "restart":
		return func(ctx context.Context, inv limaadapter.Invocation) (int, error) {
			return h.Restart(ctx, inv, StartOptions{})
		}, true
	case "delete", "rm", "remove":
		return h.Delete, true
	case "factory-reset":
		return h.FactoryReset, true
	case "start-at-login", "autostart":
		return h.StartAtLoginHint, true
	}
	if limaadapter.IsDoor(command) {
		return h.Door, true
	}
	return nil, false
}
