package limaadapter

import (
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// DefaultInstance is the instance limactl uses when none is named.
const DefaultInstance = "default"

// Invocation is a limactl command line split as limactl's root command splits it.
type Invocation struct {
	Global  []string // limactl's global flags before the command, verbatim
	Command string   // the command word ("start", "rm", ...); "" when there is none
	Args    []string // everything after the command word, verbatim
}

// SplitCommand splits a limactl argument list into leading global flags, the
// command word and its arguments. A flag it does not know, or an empty word,
// before the command leaves Command empty, so the caller passes the whole line
// through unchanged. Argv always gives back argv.
func SplitCommand(argv []string) Invocation {
	withValue := map[string]bool{"--log-level": true, "--log-format": true}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		switch {
		case withValue[arg]:
			i++ // the value is the next argument
		case strings.HasPrefix(arg, "--log-level="), strings.HasPrefix(arg, "--log-format="),
			arg == "--debug", strings.HasPrefix(arg, "--debug="),
			arg == "--tty", strings.HasPrefix(arg, "--tty="),
			arg == "-y", arg == "--yes", strings.HasPrefix(arg, "--yes="):
		case strings.HasPrefix(arg, "-"), arg == "":
			return Invocation{Global: argv}
		default:
			return Invocation{Global: argv[:i], Command: arg, Args: argv[i+1:]}
		}
	}
	return Invocation{Global: argv}
}

// globalFlags registers limactl's persistent flags (cmd/limactl/main.go).
func globalFlags(flags *pflag.FlagSet) {
	flags.String("log-level", "", "")
	flags.String("log-format", "text", "")
	flags.Bool("debug", false, "")
	flags.Bool("tty", false, "")
	flags.BoolP("yes", "y", false, "")
}

// parse parses args with a flag set built by register plus limactl's global
// flags, the way cobra would. ok is false for --help and for any parse error,
// which limactl itself will report.
func parse(args []string, register func(flags *pflag.FlagSet)) (flags *pflag.FlagSet, ok bool) {
	flags = pflag.NewFlagSet("limactl", pflag.ContinueOnError)
	register(flags)
	globalFlags(flags)
	flags.SetOutput(io.Discard)
	if err := flags.Parse(args); err != nil {
		return flags, false
	}
	return flags, true
}

// StartTarget returns the instance that `limactl start args...` would start,
// following Lima's loadOrCreateInstance: no argument means --name or "default";
// an instance name means that instance; a YAML file, template or URL means --name
// or the name Lima derives from it. ok is false when limactl would start nothing
// it can be told in advance (--help, --list-templates, --list-drivers, an image URL without --name,
// stdin without --name) or would reject the arguments; the caller then passes them
// through and lets limactl answer.
func StartTarget(args []string) (name string, ok bool) {
	target, ok := ParseStart(args)
	return target.Name, ok
}

// StartLine is what a `limactl start` line says about the instance it boots.
type StartLine struct {
	Name string // the instance, see StartTarget
	// FromTemplate is true when the argument is a file, template or URL: limactl
	// then creates a new instance and refuses a name that is taken, so no instance
	// that already exists is booted and none has logs of an earlier boot to keep.
	FromTemplate bool
}

// ParseStart parses a `limactl start` line once for both StartTarget's answer
// and whether limactl would create the instance from a template. ok is as for
// StartTarget.
func ParseStart(args []string) (StartLine, bool) {
	flags, ok := parse(args, registerStartFlags)
	if !ok || flags.NArg() > 1 {
		return StartLine{}, false
	}
	for _, list := range []string{"list-templates", "list-drivers"} {
		if on, _ := flags.GetBool(list); on {
			return StartLine{}, false // lists and exits, boots nothing
		}
	}
	flagName, _ := flags.GetString("name")
	arg := flags.Arg(0)
	var (
		name         string
		fromTemplate bool
		err          error
	)
	switch {
	case arg == "" && flagName == "":
		name = DefaultInstance
	case arg == "":
		name = flagName
	case ValidateName(arg) == nil:
		if flagName != "" && flagName != arg {
			return StartLine{}, false
		}
		name = arg
	case flagName != "":
		name, fromTemplate = flagName, true
	case arg == "-":
		return StartLine{}, false
	default:
		fromTemplate = true
		name, err = nameFromLocator(arg)
	}
	if err != nil || ValidateName(name) != nil {
		return StartLine{}, false
	}
	return StartLine{Name: name, FromTemplate: fromTemplate}, true
}

// InstanceArgs is a parsed `limactl stop|restart|delete|factory-reset` line.
type InstanceArgs struct {
	Names []string // instances named, in order; the default instance when the command allows none
	Force bool     // -f/--force
}

// ParseInstanceArgs parses the arguments of a limactl command that takes
// instance names and an optional -f/--force (withForce), defaulting to the
// "default" instance when minNames is 0 and none is given. ok is false when
// limactl would reject the line or print help.
func ParseInstanceArgs(args []string, withForce bool, minNames, maxNames int) (InstanceArgs, bool) {
	flags, ok := parse(args, func(flags *pflag.FlagSet) {
		if withForce {
			flags.BoolP("force", "f", false, "")
		}
	})
	if !ok || flags.NArg() < minNames || (maxNames >= 0 && flags.NArg() > maxNames) {
		return InstanceArgs{}, false
	}
	parsed := InstanceArgs{Names: flags.Args()}
	if withForce {
		parsed.Force, _ = flags.GetBool("force")
	}
	if len(parsed.Names) == 0 {
		parsed.Names = []string{DefaultInstance}
	}
	return parsed, true
}

// Argv joins the invocation back into the argument list limactl receives.
func (inv Invocation) Argv() []string {
	argv := append([]string{}, inv.Global...)
	if inv.Command != "" {
		argv = append(argv, inv.Command)
	}
	return append(argv, inv.Args...)
}

// With returns the argument list for another command with the same global flags.
func (inv Invocation) With(command string, args ...string) []string {
	return Invocation{Global: inv.Global, Command: command, Args: args}.Argv()
}
