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

// Verdict is what a door's command line says about booting.
type Verdict int

const (
	// NoBoot: limactl boots nothing with this line: --help, `edit FILE.yaml`,
	// arguments limactl rejects (a missing or invalid instance name, too many
	// names, --tty together with --yes).
	NoBoot Verdict = iota
	// MayBoot: limactl may boot Instance, as BootLine's Start and TTY say.
	MayBoot
	// Unknown: the line cannot be parsed with the flags of Lima v2.2.0 and
	// v1.2.1 (a flag of a newer Lima, say), so it may boot an instance that
	// cannot be named with certainty (see StartAtRisk).
	Unknown
)

// OptionalBool is a boolean flag that may be absent from a command line.
type OptionalBool struct {
	Set   bool // given on the line
	Value bool // its value when Set
}

// BootLine is what a door's command line says about the existing instance it
// may boot.
type BootLine struct {
	Command string // "shell", "edit", "clone" or "rename"
	// Instance is the existing instance whose logs are at stake: the one shell
	// and edit boot; OLD for clone and rename, whose files, logs included, NEW is
	// made of before NEW boots.
	Instance string
	New      string       // NEW of clone and rename; "" for shell and edit
	Start    OptionalBool // --start (Lima v2; v1.2.1 rejects it)
	// TTY is limactl's --tty as given on the line (before or after the command
	// word): -y/--yes sets it false. Not Set means Lima's default, whether its
	// standard output is a terminal.
	TTY OptionalBool
}

// ParseBootLine parses a door's command line (inv.Command one of Doors; global
// flags may be in inv.Global or after the command word) the way limactl would:
//
//	shell [flags] INSTANCE [COMMAND...]   flags before INSTANCE only; or --instance NAME (Lima 2's lima script)
//	edit [INSTANCE|FILE.yaml] [flags]     no argument: the default instance; a file is no instance
//	clone|rename OLD NEW [flags]
//
// It returns Unknown when the flags cannot be parsed, NoBoot when limactl boots
// nothing, and MayBoot with the line otherwise. It reads no file.
func ParseBootLine(inv Invocation) (BootLine, Verdict) {
	line := BootLine{Command: inv.Command}
	register := registerEditFlags
	if inv.Command == "shell" {
		register = func(flags *pflag.FlagSet) {
			flags.SetInterspersed(false)
			registerShellFlags(flags)
		}
	}
	flags, ok := parse(append(append([]string{}, inv.Global...), inv.Args...), func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		register(flags)
	})
	if !ok {
		return line, Unknown
	}
	if help, _ := flags.GetBool("help"); help || (flags.Changed("tty") && flags.Changed("yes")) {
		return line, NoBoot
	}
	line.Start = optionalBool(flags, "start")
	line.TTY = optionalBool(flags, "tty")
	if yes, _ := flags.GetBool("yes"); yes {
		line.TTY = OptionalBool{Set: true, Value: false}
	}
	if !line.instances(flags) || ValidateName(line.Instance) != nil {
		return line, NoBoot
	}
	return line, MayBoot
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

// StartBootsNothing reports whether a `limactl start` line (args after the
// command word) only asks for help, --list-templates or --list-drivers.
func StartBootsNothing(args []string) bool {
	flags, ok := parse(args, func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		registerStartFlags(flags)
	})
	return ok && listsOrHelps(flags)
}

// listsOrHelps reports whether a parsed `limactl start` line only asks for help
// (when registered), --list-templates or --list-drivers: limactl then boots nothing.
func listsOrHelps(flags *pflag.FlagSet) bool {
	for _, name := range []string{"help", "list-templates", "list-drivers"} {
		if on, _ := flags.GetBool(name); on {
			return true
		}
	}
	return false
}

// RestartLine is a parsed `limactl restart [flags] [INSTANCE]` line.
type RestartLine struct {
	Name  string // the instance; the default one when none is named
	Force bool   // -f/--force
	// Plain is true when the line sets no flag but -f/--force and limactl's
	// global flags, so that `limactl start NAME` does what restart does once the
	// instance is stopped. Lima v2's restart also takes --progress and the flags
	// of `limactl edit`, which it applies before booting.
	Plain bool
	// StartArgs, when Plain, are the arguments of that `limactl start`: the
	// global flags given after the command word ("--debug=true"), then Name.
	StartArgs []string
}

// ParseRestart parses a `limactl restart` line (args after the command word)
// with the flags of Lima v2.2.0 and v1.2.1. The verdict is NoBoot for --help and
// for arguments limactl rejects (two instances, an invalid name), Unknown when
// the flags cannot be parsed, and MayBoot otherwise.
func ParseRestart(args []string) (RestartLine, Verdict) {
	flags, ok := parse(args, func(flags *pflag.FlagSet) {
		flags.BoolP("help", "h", false, "")
		flags.BoolP("force", "f", false, "")
		flags.Bool("progress", false, "")
		registerSpecs(flags, editFlags)
	})
	if !ok {
		return RestartLine{}, Unknown
	}
	if help, _ := flags.GetBool("help"); help || flags.NArg() > 1 || (flags.Changed("tty") && flags.Changed("yes")) {
		return RestartLine{}, NoBoot
	}
	line := RestartLine{Name: DefaultInstance, Plain: true}
	if flags.NArg() == 1 {
		line.Name = flags.Arg(0)
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
	if ValidateName(line.Name) != nil {
		return RestartLine{}, NoBoot
	}
	if !line.Plain {
		line.StartArgs = nil
	} else {
		line.StartArgs = append(line.StartArgs, line.Name)
	}
	return line, MayBoot
}
