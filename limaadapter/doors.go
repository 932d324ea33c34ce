// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"slices"

	"github.com/spf13/pflag"
)

// Doors are the limactl commands other than start and restart that may boot an
// instance that already exists: `shell` (with --start, or after asking "start
// now?"), `edit` (the same, once the configuration changed), and `clone` and
// `rename` (which boot NEW, made of OLD's files, with --start or after asking).
var Doors = []string{"shell", "edit", "clone", "rename"}

// IsDoor reports whether command is one of Doors.
func IsDoor(command string) bool {
	return slices.Contains(Doors, command)
}

// parseDoor sets Instance, New, Start and TTY from a door's line (global flags
// may be in Global or after the command word). The verdict is NoBoot for
// --help, `edit FILE.yaml` and arguments limactl rejects (a missing or invalid
// instance name, too many names, --tty together with --yes).
func (line *BootLine) parseDoor() Verdict {
	register := registerEditFlags
	if line.Command == "shell" {
		register = func(flags *pflag.FlagSet) {
			flags.SetInterspersed(false)
			registerShellFlags(flags)
		}
	}
	flags, ok := parse(append(slices.Clone(line.Global), line.Args...), func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		register(flags)
	})
	if !ok {
		return Unknown
	}
	if help, _ := flags.GetBool("help"); help || (flags.Changed("tty") && flags.Changed("yes")) {
		return NoBoot
	}
	line.Start = optionalBool(flags, "start")
	line.TTY = optionalBool(flags, "tty")
	if yes, _ := flags.GetBool("yes"); yes {
		line.TTY = OptionalBool{Set: true, Value: false}
	}
	if !line.instances(flags) || ValidateName(line.Instance) != nil {
		return NoBoot
	}
	return MayBoot
}

// instances sets Instance (and New) from the positional arguments, and reports
// false when limactl would reject their number.
func (line *BootLine) instances(flags *pflag.FlagSet) bool {
	args := flags.Args()
	switch line.Command {
	case "shell":
		if name, _ := flags.GetString("instance"); name != "" {
			line.Instance = name
			return true
		}
		if len(args) == 0 {
			return false
		}
		line.Instance = args[0]
	case "edit":
		if len(args) > 1 {
			return false
		}
		line.Instance = DefaultInstance
		if len(args) == 1 {
			line.Instance = args[0] // not a valid name: a file, which boots nothing
		}
	default: // clone, rename
		if len(args) != 2 {
			return false
		}
		line.Instance, line.New = args[0], args[1]
	}
	return true
}

func optionalBool(flags *pflag.FlagSet, name string) OptionalBool {
	value, _ := flags.GetBool(name)
	return OptionalBool{Set: flags.Changed(name), Value: value}
}
