// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"strings"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

// hint is one short piece of advice for an error that wraps err: the flag or
// command of limactl-logkeep that lets the user go on.
type hint struct {
	err  error
	text string
}

// hints is the one home of the advice added to the errors users see; the first
// whose error the message wraps is added. The lower rooms say what failed; only
// the CLI knows its own flags and commands.
var hints = []hint{
	{hooks.ErrNotStarted, "to let Lima delete the logs, run limactl logkeep start --no-rotate INSTANCE"},
	{hooks.ErrNotPreserved, "to let Lima remove the logs, run it with $" + envKeepLogs + " and --keep-logs unset"},
	{history.ErrHasPreserved, "limactl logkeep preserved INSTANCE"},
	{limaadapter.ErrLimactlNotFound, "install Lima, or give its path with --limactl or $LIMACTL"},
}

// serviceBootHint is the advice for a boot by the service manager (start-at-login
// --before-boot) that was refused to keep the instance's logs: the service
// manager cannot give --no-rotate, so it says how to stop keeping its boots.
func serviceBootHint(name string) hint {
	return hint{hooks.ErrNotStarted, "to stop keeping its boots, run limactl logkeep start-at-login --enabled=false " + name}
}

// withHint returns err's message followed by " (Hint: ...)" with the first of
// first and then hints whose error err wraps; the message alone when none does,
// or when it carries a hint already (a message has at most one).
func withHint(err error, first ...hint) string {
	msg := err.Error()
	if strings.Contains(msg, "(Hint: ") {
		return msg
	}
	for _, h := range append(first, hints...) {
		if errors.Is(err, h.err) {
			return msg + " (Hint: " + h.text + ")"
		}
	}
	return msg
}

// exitWith turns a hook's result into the process' exit: limactl's status, or
// the error's message with its hint and status 1 (or the status the hook
// chose). Hints in first come before the common ones.
func exitWith(status int, err error, first ...hint) error {
	if err != nil {
		if status == 0 {
			status = 1
		}
		return cli.Exit(withHint(err, first...), status)
	}
	if status != 0 {
		return cli.Exit("", status)
	}
	return nil
}

// exitFor turns an error into an exit: one that is already an exit as it is,
// any other with status 1 and its hint; nil for nil.
func exitFor(err error) error {
	var exit cli.ExitCoder
	if err == nil || errors.As(err, &exit) {
		return err
	}
	return exitWith(1, err)
}
