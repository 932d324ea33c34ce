// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"slices"

	"github.com/spf13/pflag"
)

// Verdict is what a command line says about booting an existing instance.
type Verdict int

const (
	// NoBoot: limactl boots no instance with this line: --help, `start
	// --list-templates|--list-drivers`, `edit FILE.yaml`, arguments limactl
	// rejects (a missing or invalid instance name, too many names, --tty
	// together with --yes), or a command that boots nothing.
	NoBoot Verdict = iota
	// MayBoot: limactl may boot BootLine.Instance (start and restart do; a door
	// does as BootLine's Start and TTY say).
	MayBoot
	// Unknown: the line cannot be parsed with the flags of Lima v2.2.0 and
	// v1.2.1 (a flag of a newer Lima, say), so it may boot an instance that
	// cannot be named with certainty (BootLine.AtRisk guesses which). A start
	// line whose instance cannot be named in advance is Unknown too, whether
	// limactl rejects it (`start a b`, `start --name=a b`, `start -` without
	// --name) or names it only as it runs (a github: or plugin locator, an
	// image URL: FromTemplate).
	Unknown
)

// OptionalBool is a boolean flag that may be absent from a command line.
type OptionalBool struct {
	Set   bool // given on the line
	Value bool // its value when Set
}

// BootLine is a limactl command line that may boot an instance (start,
// restart, or one of Doors), parsed once by ParseBootLine: what it says about
// the instance it boots, whose logs are at stake.
//
// Only the fields of the line's command are set, and when Verdict is not
// MayBoot only Invocation, Verdict and FromTemplate are.
type BootLine struct {
	Invocation // the line as given
	Verdict    Verdict
	// Instance is the existing instance whose logs are at stake: the one start,
	// restart, shell and edit boot (for start, a new one when FromTemplate); OLD
	// for clone and rename, whose files, logs included, NEW is made of before
	// NEW boots.
	Instance string

	// FromTemplate (start) is true when the argument is a file, template or
	// URL: limactl then creates a new instance and refuses a name that is
	// taken, so no instance that already exists is booted and none has logs of
	// an earlier boot to keep. It is also true, with Verdict Unknown, for a
	// locator whose name only limactl derives (see nameFromLocator).
	FromTemplate bool

	New   string       // NEW of clone and rename
	Start OptionalBool // a door's --start (Lima v2; v1.2.1 rejects it)
	// TTY is a door's limactl --tty as given on the line (before or after the
	// command word): -y/--yes sets it false. Not Set means Lima's default,
	// whether its standard output is a terminal.
	TTY OptionalBool

	Force bool // restart's -f/--force
	// Plain (restart) is true when the line sets no flag but -f/--force and
	// limactl's global flags, so that `limactl start NAME` does what restart
	// does once the instance is stopped. Lima v2's restart also takes
	// --progress and the flags of `limactl edit`, which it applies before
	// booting.
	Plain bool
	// StartArgs, when Plain, are the arguments of that `limactl start`: the
	// global flags given after the command word ("--debug=true"), then Instance.
	StartArgs []string
}

// ParseBootLine parses a limactl command line once, the way limactl would with
// the flags of Lima v2.2.0 and v1.2.1, and says which instance it may boot:
//
//	start [INSTANCE|FILE.yaml|URL|-] [--name NAME] [flags]   following Lima's loadOrCreateInstance
//	restart [flags] [INSTANCE]
//	shell [flags] INSTANCE [COMMAND...]   flags before INSTANCE only; or --instance NAME (Lima 2's lima script)
//	edit [INSTANCE|FILE.yaml] [flags]     no argument: the default instance; a file is no instance
//	clone|rename OLD NEW [flags]
//
// start and restart read their flags after the command word (limactl's global
// flags may be there too); a door reads inv.Global as well, for --tty and
// --yes. Any other command is NoBoot. A MayBoot line names an instance that
// passes ValidateName. It reads no file.
func ParseBootLine(inv Invocation) BootLine {
	line := BootLine{Invocation: inv}
	switch {
	case inv.Command == "start":
		line.Verdict = line.parseStart()
	case inv.Command == "restart":
		line.Verdict = line.parseRestart()
	case IsDoor(inv.Command):
		line.Verdict = line.parseDoor()
	}
	if line.Verdict != MayBoot {
		return BootLine{Invocation: inv, Verdict: line.Verdict, FromTemplate: line.FromTemplate}
	}
	return line
}

// AtRisk is a guess, for a warning only, at the existing instances whose logs
// an Unknown line may put at risk (see guessAtRisk); it is nil for any other
// verdict. It reads LIMA_HOME. It may name an instance the line does not boot
// and must never decide what is rotated or passed through.
func (line BootLine) AtRisk() []string {
	if line.Verdict != Unknown {
		return nil
	}
	return guessAtRisk(append(slices.Clone(line.Global), line.Args...))
}

// parseStart sets Instance and FromTemplate from a `limactl start` line.
func (line *BootLine) parseStart() Verdict {
	flags, ok := parse(line.Args, func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		registerStartFlags(flags)
	})
	switch {
	case !ok:
		return Unknown
	case listsOrHelps(flags):
		return NoBoot // lists or helps and exits
	case flags.NArg() > 1:
		return Unknown // limactl rejects it
	}
	flagName, _ := flags.GetString("name")
	arg := flags.Arg(0)
	var err error
	switch {
	case arg == "" && flagName == "":
		line.Instance = DefaultInstance
	case arg == "":
		line.Instance = flagName
	case ValidateName(arg) == nil:
		if flagName != "" && flagName != arg {
			return Unknown // limactl rejects the pair
		}
		line.Instance = arg
	case flagName != "":
		line.Instance, line.FromTemplate = flagName, true
	case arg == "-":
		return Unknown // stdin without --name: limactl rejects it
	default:
		line.FromTemplate = true
		line.Instance, err = nameFromLocator(arg)
	}
	if err != nil || ValidateName(line.Instance) != nil {
		// A locator whose name only limactl can derive still creates a new instance.
		line.FromTemplate = line.FromTemplate && errors.Is(err, errNameAtRunTime)
		return Unknown
	}
	return MayBoot
}

// listsOrHelps reports whether a parsed `limactl start` line only asks for
// help, --list-templates or --list-drivers: limactl then boots nothing.
func listsOrHelps(flags *pflag.FlagSet) bool {
	for _, name := range []string{"help", "list-templates", "list-drivers"} {
		if on, _ := flags.GetBool(name); on {
			return true
		}
	}
	return false
}

// parseRestart sets Instance, Force, Plain and StartArgs from a `limactl
// restart` line. The verdict is NoBoot for --help and for arguments limactl
// rejects (two instances, an invalid name).
func (line *BootLine) parseRestart() Verdict {
	flags, ok := parse(line.Args, func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		flags.BoolP("force", "f", false, "")
		flags.Bool("progress", false, "")
		registerSpecs(flags, editFlags)
	})
	if !ok {
		return Unknown
	}
	if help, _ := flags.GetBool("help"); help || flags.NArg() > 1 || (flags.Changed("tty") && flags.Changed("yes")) {
		return NoBoot
	}
	line.Instance, line.Plain = DefaultInstance, true
	if flags.NArg() == 1 {
		line.Instance = flags.Arg(0)
	}
	line.Force, _ = flags.GetBool("force")
	flags.Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "force":
		case "log-level", "log-format", "debug", "tty", "yes":
			line.StartArgs = append(line.StartArgs, "--"+f.Name+"="+f.Value.String())
		default:
			line.Plain = false
		}
	})
	if ValidateName(line.Instance) != nil {
		return NoBoot
	}
	if !line.Plain {
		line.StartArgs = nil
	} else {
		line.StartArgs = append(line.StartArgs, line.Instance)
	}
	return MayBoot
}
