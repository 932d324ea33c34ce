// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"runtime"

	"github.com/spf13/pflag"
)

// StartAtLoginLine is what a `limactl start-at-login` or `limactl autostart
// enable|disable` line does to an instance's start-at-login entry (Lima's
// systemd user unit or launchd agent).
type StartAtLoginLine struct {
	Instance string
	// Registers is true when limactl writes (or rewrites) the entry:
	// start-at-login with --enabled true, or autostart enable with a condition
	// that registers at login. False when it removes the entry, or installs
	// macOS's boot daemon (--condition=boot), which is no such entry.
	Registers bool
}

// ParseStartAtLogin parses a start-at-login or autostart line as Lima v2.2.0's
// cobra commands do (cmd/limactl/start-at-login.go, autostart*.go): the bool
// --enabled (any value strconv.ParseBool takes), autostart's enable|disable
// subcommand with --condition and --user, limactl's global flags anywhere. ok is
// false for any other command, --help, a line limactl would reject (an unknown
// flag or subcommand, a wrong number of instances, an invalid instance name),
// and an autostart line whose subcommand is not its first argument.
func ParseStartAtLogin(inv Invocation) (StartAtLoginLine, bool) {
	return parseStartAtLogin(inv, runtime.GOOS)
}

// parseStartAtLogin is ParseStartAtLogin for limactl built for goos: on macOS
// only --condition=login registers; elsewhere every condition but boot does.
func parseStartAtLogin(inv Invocation, goos string) (StartAtLoginLine, bool) {
	var line StartAtLoginLine
	switch inv.Command {
	case "start-at-login":
		flags, ok := parse(inv.Args, func(flags *pflag.FlagSet) { flags.Bool("enabled", true, "") })
		if !ok || flags.NArg() > 1 {
			return line, false
		}
		line.Instance = flags.Arg(0)
		if line.Instance == "" {
			line.Instance = DefaultInstance
		}
		line.Registers, _ = flags.GetBool("enabled")
	case "autostart":
		if len(inv.Args) == 0 || (inv.Args[0] != "enable" && inv.Args[0] != "disable") {
			return line, false
		}
		enable := inv.Args[0] == "enable"
		flags, ok := parse(inv.Args[1:], func(flags *pflag.FlagSet) {
			if enable {
				flags.String("condition", "login", "")
				flags.String("user", "", "")
			}
		})
		if !ok || flags.NArg() != 1 {
			return line, false
		}
		line.Instance = flags.Arg(0)
		if enable {
			condition, _ := flags.GetString("condition")
			line.Registers = condition == "login" || (goos != "darwin" && condition != "boot")
		}
	default:
		return line, false
	}
	return line, ValidateName(line.Instance) == nil
}
