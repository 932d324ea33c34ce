// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// onUsageError is every command's cli.OnUsageErrorFunc: a flag or an
// environment variable urfave/cli could not parse is one line naming it and
// the value, exit status 2, and no help. urfave/cli's default prints
// "Incorrect Usage" and the whole help on standard output, which through the
// drop-in wrapper would land in the output of a `limactl` command line.
func onUsageError(c *cli.Context, err error, _ bool) error {
	var flags []cli.Flag
	if c != nil && c.Command != nil {
		flags = c.Command.Flags
	}
	msg := usageLine(err, flags)
	if name, ok := unknownFlag(err); ok && c != nil && c.Command != nil {
		if s := cli.SuggestFlag(c.Command.Flags, name, c.Command.HideHelp); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
	}
	if !strings.HasPrefix(msg, "$") && c != nil && c.Command != nil {
		// A command-line mistake: where to read the command's usage.
		name := "limactl-logkeep"
		if c.Command.HelpName != "" && c.Command.HelpName != name && !c.Command.Hidden {
			name = c.Command.HelpName
		}
		msg += fmt.Sprintf("; see '%s --help'", name)
	}
	return cli.Exit(msg, 2)
}

// withUsageErrors sets onUsageError on every command and subcommand of cmds.
func withUsageErrors(cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		cmd.OnUsageError = onUsageError
		withUsageErrors(cmd.Subcommands)
	}
	return cmds
}

// The errors urfave/cli v2 and Go's flag package report for a value they could
// not parse (flag_int.go, flag_bool.go; flag.FlagSet.failf).
var (
	envValueError   = regexp.MustCompile(`^could not parse (".*") as (\w+) value from environment variable "([^"]+)" for flag ([\w-]+): (.*)$`)
	flagValueError  = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-([\w-]+): (.*)$`)
	unknownFlagErr  = regexp.MustCompile(`^flag provided but not defined: -([\w-]+)$`)
	missingValueErr = regexp.MustCompile(`^flag needs an argument: -([\w-]+)$`)
)

// usageLine words urfave/cli's parse error err as one line: the variable or
// flag, the value as given (quoted, so control characters are escaped), and
// what was wrong with it; flags are the command's, to tell a number from a
// switch. An error of another form is kept, on one line.
func usageLine(err error, flags []cli.Flag) string {
	text := err.Error()
	if m := envValueError.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("$%s=%s: %s (the value of --%s)", m[3], m[1], valueProblem(m[2], m[5]), m[4])
	}
	if m := flagValueError.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("%s %s: %s", dashes(m[2]), m[1], valueProblem(flagKind(flags, m[2]), m[3]))
	}
	if m := unknownFlagErr.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("unknown option %s", dashes(m[1]))
	}
	if m := missingValueErr.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("%s needs a value", dashes(m[1]))
	}
	return strings.Join(strings.Fields(text), " ")
}

// unknownFlag returns the name of the flag err says is not defined.
func unknownFlag(err error) (string, bool) {
	if m := unknownFlagErr.FindStringSubmatch(err.Error()); m != nil {
		return m[1], true
	}
	return "", false
}

// flagKind returns "int" or "bool" for the flag of flags named name, else "".
func flagKind(flags []cli.Flag, name string) string {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			switch f.(type) {
			case *cli.IntFlag:
				return "int"
			case *cli.BoolFlag:
				return "bool"
			}
			return ""
		}
	}
	return ""
}

// valueProblem says what is wrong with a value of kind ("int", "bool") that
// failed with the parser's reason.
func valueProblem(kind, reason string) string {
	switch {
	case strings.Contains(reason, "out of range"):
		return "out of range"
	case kind == "int":
		return "not a whole number"
	case kind == "bool":
		return "not true or false"
	}
	return strings.Join(strings.Fields(reason), " ")
}

// dashes writes a flag name as it is typed: -n, --name.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
