// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// positionalArgs returns the command's positional arguments, applying to c the
// flags written after them: urfave/cli v2 stops parsing flags at the first
// positional argument, but `logs vm -b -1` is how people write it. Everything
// after "--" is positional. ok is false when the arguments asked for help, which
// has then been shown.
func positionalArgs(c *cli.Context) (args []string, ok bool, err error) {
	raw := c.Args().Slice()
	for i := 0; i < len(raw); i++ {
		arg := raw[i]
		if arg == "--" {
			return append(args, raw[i+1:]...), true, nil
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			args = append(args, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if name == "h" || name == "help" {
			showHelp(c)
			return nil, false, nil
		}
		f := findFlag(c.Command.Flags, name)
		if f == nil {
			return nil, false, cli.Exit(fmt.Sprintf("%s: flag provided but not defined: %s (see --help)", c.Command.Name, arg), 2)
		}
		if _, isBool := f.(*cli.BoolFlag); isBool && !hasValue {
			value = "true"
		} else if !hasValue {
			if i+1 >= len(raw) {
				return nil, false, cli.Exit(fmt.Sprintf("%s: flag needs an argument: %s", c.Command.Name, arg), 2)
			}
			i++
			value = raw[i]
		}
		for _, n := range f.Names() {
			if err := c.Set(n, value); err != nil {
				return nil, false, cli.Exit(fmt.Sprintf("%s: invalid value %q for flag %s: %v", c.Command.Name, value, arg, err), 2)
			}
		}
	}
	return args, true, nil
}

// findFlag returns the flag of flags that has name, or nil.
func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// showHelp prints the command's help as --help before its arguments does.
func showHelp(c *cli.Context) {
	templ := c.Command.CustomHelpTemplate
	if templ == "" {
		templ = cli.CommandHelpTemplate
	}
	cli.HelpPrinter(c.App.Writer, templ, c.Command)
}
