// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"io"
	"os"
	"path/filepath"
	"slices"
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
	flags := pflag.NewFlagSet("limactl", pflag.ContinueOnError)
	globalFlags(flags)
	flags.SetInterspersed(false) // stop at the command word, as cobra does
	flags.SetOutput(io.Discard)
	if err := flags.Parse(argv); err != nil || flags.NArg() == 0 {
		return Invocation{Global: argv}
	}
	i := len(argv) - flags.NArg()
	if argv[i] == "" || argv[i] == "-" || (i > 0 && argv[i-1] == "--") { // "limactl -- start": no command word

		return Invocation{Global: argv}
	}
	return Invocation{Global: argv[:i], Command: argv[i], Args: argv[i+1:]}
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
// flags, the way cobra would. ok is false for any parse error, which limactl
// itself will report, and for --help unless register registers it.
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

// InstanceArgs is a parsed `limactl stop|restart|delete|factory-reset` line.
type InstanceArgs struct {
	Names []string // instances named, in order; the default instance when the command allows none
	Force bool     // -f/--force
	// Flags are the flags of the line in canonical form ("--force=true",
	// "--debug=true"), in flag-name order.
	Flags []string
}

// ArgsFor returns the arguments of the same line naming only names: Flags,
// then names.
func (a InstanceArgs) ArgsFor(names []string) []string {
	return append(slices.Clone(a.Flags), names...)
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
	flags.Visit(func(f *pflag.Flag) { parsed.Flags = append(parsed.Flags, "--"+f.Name+"="+f.Value.String()) })
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

// guessAtRisk is a guess, for a warning only, at the instances whose logs a
// command line that could not be parsed (an unknown flag, say of a newer Lima)
// may put at risk. args are the line's global flags and the arguments after the
// command word. It parses leniently, skipping unknown flags and the value
// that may follow one, and returns, in order and without repeats, the value of
// --name or --instance, each positional argument and each word right after an
// unknown flag (every word not starting with "-" when a known flag has a bad
// value), keeping those that are valid instance names of an existing
// instance in LIMA_HOME (all valid ones when LIMA_HOME cannot be resolved). A
// line that names nothing names the default instance. The result may be empty
// (the line names only new instances or locators) and may name an instance the
// line does not boot.
func guessAtRisk(args []string) []string {
	flags := pflag.NewFlagSet("limactl", pflag.ContinueOnError)
	flags.ParseErrorsWhitelist.UnknownFlags = true
	flags.SetOutput(io.Discard)
	for _, register := range []func(*pflag.FlagSet){globalFlags, registerStartFlags, registerEditFlags, registerShellFlags} {
		more := pflag.NewFlagSet("", pflag.ContinueOnError)
		register(more)
		flags.AddFlagSet(more) // skips flags already there (--start, --shell)
	}
	var named []string
	if err := flags.Parse(args); err != nil {
		named = plainWords(args) // a bad value of a known flag: any word may be a name
	}
	for _, flag := range []string{"name", "instance"} {
		if v, _ := flags.GetString(flag); v != "" {
			named = append(named, v)
		}
	}
	named = append(append(named, flags.Args()...), afterUnknownFlags(flags, args)...)
	if len(named) == 0 {
		named = []string{DefaultInstance}
	}
	return existingInstances(named)
}

// RemoveAtRisk is BootLine.AtRisk for a `limactl delete|rm|remove|factory-reset`
// line that could not be parsed: the existing instances whose logs it may
// remove. A line asking for help, and a delete line naming nothing (limactl
// refuses it), put none at risk.
func RemoveAtRisk(inv Invocation) []string {
	args := inv.Args
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	if slices.ContainsFunc(args, func(arg string) bool { return arg == "-h" || arg == "--help" || strings.HasPrefix(arg, "--help=") }) {
		return nil
	}
	if inv.Command != "factory-reset" && len(plainWords(inv.Args)) == 0 {
		return nil
	}
	return guessAtRisk(inv.Args)
}

// plainWords returns the arguments that do not start with "-".
func plainWords(args []string) []string {
	var words []string
	for _, arg := range args {
		if !strings.HasPrefix(arg, "-") {
			words = append(words, arg)
		}
	}
	return words
}

// registerShellFlags registers the flags of `limactl shell` (v2.2.0 and v1.2.1
// together), for ParseBootLine and guessAtRisk.
func registerShellFlags(flags *pflag.FlagSet) {
	flags.String("instance", "", "")
	flags.String("shell", "", "")
	flags.String("workdir", "", "")
	flags.Bool("reconnect", false, "")
	flags.Bool("preserve-env", false, "")
	flags.Bool("start", false, "")
	flags.String("sync", "", "")
}

// afterUnknownFlags returns the words that follow an unknown flag given without
// "=value" up to "--": a lenient pflag takes them for the flag's value, yet they
// may be an instance name.
func afterUnknownFlags(flags *pflag.FlagSet, args []string) []string {
	var words []string
	for i := 0; i+1 < len(args) && args[i] != "--"; i++ {
		arg, next := args[i], args[i+1]
		if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") || strings.HasPrefix(next, "-") {
			continue
		}
		name := strings.TrimLeft(arg, "-")
		var known *pflag.Flag
		if strings.HasPrefix(arg, "--") {
			known = flags.Lookup(name)
		} else if len(name) == 1 {
			known = flags.ShorthandLookup(name)
		} else {
			continue // combined short flags: not a lone unknown one
		}
		if known == nil {
			words = append(words, next)
		}
	}
	return words
}

// existingInstances keeps the words that are valid names of instances that
// exist in LIMA_HOME (all valid ones when LIMA_HOME cannot be resolved), once
// each, in order.
func existingInstances(words []string) []string {
	home, homeErr := Home()
	var names []string
	for _, word := range words {
		if ValidateName(word) != nil || slices.Contains(names, word) {
			continue
		}
		if homeErr == nil {
			if _, err := os.Stat(filepath.Join(home, word, ConfigFile)); err != nil {
				continue
			}
		}
		names = append(names, word)
	}
	return names
}
