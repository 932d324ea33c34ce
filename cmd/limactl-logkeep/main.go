// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command limactl-logkeep keeps the logs of Lima instances that Lima deletes at
// every start and on delete. It runs as the Lima CLI plugin `limactl logkeep` and
// as a drop-in wrapper for limactl: run under the name limactl (a link or copy
// named limactl, limactl.exe on Windows, first on PATH) it is `limactl-logkeep
// wrap`, and so it is through the older scripts/limactl shell shim.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	args := commandLine(os.Args)
	if len(args) > 1 && args[1] == "wrap" {
		execPassThrough(args[2:])
	}
	app := newApp()
	if err := app.Run(args); err != nil {
		var exit cli.ExitCoder
		if errors.As(err, &exit) {
			if msg := err.Error(); msg != "" {
				fmt.Fprintln(os.Stderr, "limactl-logkeep:", msg)
			}
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "limactl-logkeep:", withHint(err))
		os.Exit(1)
	}
}

// commandLine returns the argument list the CLI runs: `limactl-logkeep wrap ARGS`
// when the program was run under the name limactl (the binary shim: every
// argument goes to wrap unchanged), else os.Args in wrapForm.
func commandLine(osArgs []string) []string {
	if len(osArgs) > 0 && limaadapter.IsShimName(osArgs[0]) {
		return append([]string{osArgs[0], "wrap"}, osArgs[1:]...)
	}
	return wrapForm(osArgs)
}

// execPassThrough is the short way of `limactl-logkeep wrap ARGS` and
// `limactl-logkeep -- ARGS` (no global option before them) for a limactl line
// that goes to limactl unchanged (hooks.Hooks.PassesThrough: a command without a
// hook, or `limactl shell` on a running instance): it execs the real limactl
// before the CLI is even built, which is what the full path would do anyway. It
// returns when it cannot, and the full path then runs and reports why.
func execPassThrough(argv []string) {
	stdout, stdin := terminals()
	if !(hooks.Hooks{StdoutTTY: stdout, StdinTTY: stdin}).PassesThrough(argv) {
		return
	}
	path, err := limaadapter.FindLimactl("", os.Getenv)
	if err != nil {
		return
	}
	_ = limaadapter.Limactl{Path: path}.Exec(argv...)
}

// terminals returns the hooks' view of whether standard output and input are
// terminals (hooks.Hooks.StdoutTTY, StdinTTY).
func terminals() (stdout, stdin func() bool) {
	return func() bool { return term.IsTerminal(int(os.Stdout.Fd())) },
		func() bool { return term.IsTerminal(int(os.Stdin.Fd())) }
}

// wrapForm turns the general form `limactl-logkeep [global options] -- LIMACTL-ARGS`
// into `limactl-logkeep [global options] wrap LIMACTL-ARGS`: a "--" where the
// command word would be is wrap. Any other argument list is returned as it is.
func wrapForm(args []string) []string {
	for i := 1; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return append(append(append([]string{}, args[:i]...), "wrap"), args[i+1:]...)
		case !strings.HasPrefix(arg, "-") || arg == "-":
			return args // the command word
		case !strings.Contains(arg, "="):
			if f := findFlag(globalFlags(), strings.TrimLeft(arg, "-")); f != nil {
				if _, isBool := f.(*cli.BoolFlag); !isBool {
					i++ // its value
				}
			}
		}
	}
	return args
}
