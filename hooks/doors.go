// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// Door prepares a limactl command other than start and restart that may boot an
// existing instance (limaadapter.Doors: shell, edit, clone, rename) and hands over
// to limactl with the line unchanged. When limactl may boot the instance, its
// logs are rotated first, exactly as before `limactl start`; for clone and
// rename, OLD's logs are rotated, so that its last boot becomes a generation that
// NEW's files carry and NEW's boot deletes nothing. If limactl then boots
// nothing (the user says no, the configuration is unchanged), the rotated logs
// are a generation like any other.
//
// limactl may boot the instance when --start is given true, or when --start is
// not given and Lima may ask "start now?" (mayAsk). A running instance (its
// host agent alive: the first check, so that `limactl shell RUNNING ...` stays
// cheap), a missing one and a line that boots nothing go through untouched. A
// line that cannot be parsed goes through with one warning naming the instances
// whose logs are at risk. A failure to rotate stops here, before limactl runs.
func (h Hooks) Door(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	line := limaadapter.ParseBootLine(inv)
	switch {
	case line.Verdict == limaadapter.Unknown:
		h.warnAtRisk(line)
	case line.Verdict == limaadapter.MayBoot && !h.doorIsUntouched(line):
		if err := h.rotateBeforeDoor(ctx, line); err != nil {
			return 1, err
		}
	}
	return h.handOver(inv.Argv()...)
}

// doorIsUntouched reports whether the line of a door that may boot an instance
// is handed to limactl without a look at the logs: the instance's host agent
// runs, or limactl will not boot it (--start=false, or no --start and no
// prompt).
func (h Hooks) doorIsUntouched(line limaadapter.BootLine) bool {
	dir, err := limaadapter.InstanceDir(line.Instance)
	return err != nil || limaadapter.HostAgentAlive(dir) || !h.mayBoot(line)
}

// mayBoot reports whether limactl may boot line's instance: --start given true;
// or --start not given and Lima may ask "start now?". Lima asks when its --tty is
// true (given, or by default when its standard output is a terminal; -y makes
// it false), and Lima v1.2.1's shell asks whatever --tty says, reading its
// standard input, so for shell a terminal on standard input is enough.
func (h Hooks) mayBoot(line limaadapter.BootLine) bool {
	if line.Start.Set {
		return line.Start.Value
	}
	tty := line.TTY.Value
	if !line.TTY.Set {
		tty = isTrue(h.StdoutTTY)
	}
	return tty || (line.Command == "shell" && isTrue(h.StdinTTY))
}

func isTrue(f func() bool) bool { return f != nil && f() }

// rotateBeforeDoor rotates the logs of line's instance as rotateBeforeStart does.
// A running or missing instance is limactl's to report. One that is neither
// running nor stopped (Broken, say) is left alone: Lima's shell boots only a
// stopped instance; for edit, clone and rename a warning says how to keep the
// logs, as they may boot it.
func (h Hooks) rotateBeforeDoor(ctx context.Context, line limaadapter.BootLine) error {
	err := h.rotateIfStopped(ctx, line.Instance)
	switch {
	case err == nil, errors.Is(err, ErrRunning), errors.Is(err, limaadapter.ErrNoInstance):
		return nil
	case errors.Is(err, ErrNotStopped):
		if line.Command != "shell" {
			h.Log.WithField("instance", line.Instance).WithError(err).Warnf("Logs not rotated: limactl %s deletes them if it boots the instance "+
				"(Hint: to keep them, limactl stop -f %s && limactl logkeep rotate %s)", line.Command, line.Instance, line.Instance)
		}
		return nil
	case errors.Is(err, logfile.ErrHousekeeping):
		h.Log.Warn(err)
		return nil
	}
	return fmt.Errorf("not running limactl %s, which may boot instance %q: %w "+
		"(Hint: run it with --start=false, or with the real limactl to let Lima delete the logs)", line.Command, line.Instance, err)
}

// warnAtRisk prints one line saying that the wrapper cannot tell which instance
// the boot command line boots, naming those whose logs are at risk
// (line.AtRisk) and how to keep them. It prints nothing when no existing
// instance that is not running is named, and for a line that is not Unknown.
func (h Hooks) warnAtRisk(line limaadapter.BootLine) {
	var names []string
	for _, name := range line.AtRisk() {
		if dir, err := limaadapter.InstanceDir(name); err == nil && !limaadapter.HostAgentAlive(dir) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	h.Log.WithField("instances", names).Warnf("Cannot tell which instance limactl %s boots (an unknown flag?), so no logs were rotated "+
		"(Hint: first run limactl logkeep rotate %s)", line.Command, strings.Join(names, " "))
}
