// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// Fuzz targets of limactl argument parsing. An argument list is fuzzed as one string whose
// arguments are separated by NUL bytes (argv can never hold a NUL itself). Seed corpora are in
// testdata/fuzz/<target>; a crash found by `go test -fuzz` is saved there too and then runs as a
// regression test with every `go test`.

// splitArgs turns a fuzz input into an argument list: "" is no argument.
func splitArgs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// argSeeds are argument lists from the unit tests and limactl's documentation.
var argSeeds = [][]string{
	nil, {"vm"}, {"--name", "vm"}, {"--name=vm", "vm"}, {"--name=a", "b"}, {"vm", "--timeout", "10m", "--foreground"},
	{"--cpus", "2", "vm"}, {"--set", ".cpus=2", "vm"}, {"--log-level", "debug", "--tty=false", "-y", "vm"},
	{"./dir/tiny.yaml"}, {"template://docker"}, {"https://example.com/t/alpine.yaml"}, {"-"}, {"--name", "vm", "-"},
	{"--list-templates"}, {"--help"}, {"-h", "vm"}, {"a", "b"}, {"--", "vm"}, {"--name", "../x"},
	{"start", "vm"}, {"--debug", "rm", "-f", "vm"}, {"-yf", "vm"}, {"\u212Am"}, {"file:///tmp/k.yml"},
	{"--progress", "vm"}, {"--port-forward", "8080:80", "vm"}, {"--param", "a=b", "--param=c=d", "vm"}, {"--ssh-port", "2222", "vm"},
	{"--mount-only", "/tmp", "--nested-virt", "vm"}, {"--list-drivers"}, {"template:docker"}, {"github:org/repo"},
	{"myplugin:x"}, {"--name", "vm", "github:org/repo"}, {"https://h/debian-12-genericcloud-amd64.qcow2"},
}

func seedArgs(f *testing.F) {
	for _, args := range argSeeds {
		f.Add(strings.Join(args, "\x00"))
	}
}

// FuzzParseStart checks that ParseBootLine, for a `limactl start` line, never panics, never
// changes its argument, is deterministic, only ever names an instance that passes ValidateName
// (MayBoot) or none, gives up on --help unless the line turns it off again (`--help=false`, as
// cobra reads it), and takes a valid instance name for that instance. (The target keeps its
// name, and so its seed corpus in testdata/fuzz/FuzzParseStart, from when ParseStart did this.)
func FuzzParseStart(f *testing.F) {
	seedArgs(f)
	f.Fuzz(func(t *testing.T, s string) {
		args := splitArgs(s)
		orig := slices.Clone(args)
		line := startLine(args...)
		name := line.Instance
		if !slices.Equal(args, orig) || !slices.Equal(line.Args, orig) {
			t.Fatalf("ParseBootLine changed its arguments: %q -> %q, Args %q", orig, args, line.Args)
		}
		if line2 := startLine(args...); !reflect.DeepEqual(line2, line) {
			t.Fatalf("ParseBootLine(start %q) is not deterministic: %+v, then %+v", args, line, line2)
		}
		if line.Verdict == MayBoot && ValidateName(name) != nil {
			t.Fatalf("ParseBootLine(start %q) = %q, which is not a valid instance name", args, name)
		}
		if line.Verdict != MayBoot && name != "" {
			t.Fatalf("ParseBootLine(start %q) = %q with verdict %v", args, name, line.Verdict)
		}
		if len(args) == 0 && (line.Verdict != MayBoot || name != DefaultInstance) {
			t.Fatalf("ParseBootLine(start) = %q %v, want the default instance", name, line.Verdict)
		}
		if startLine(append([]string{"--help"}, args...)...).Verdict == MayBoot && !slices.ContainsFunc(args, setsHelp) {
			t.Fatalf("ParseBootLine(start --help %q) did not give up", args)
		}
		if ValidateName(s) == nil {
			for _, line := range [][]string{{s}, {"--name", s}, {"--name=" + s}, {"--", s}, {s, "--name", s}} {
				if got := startLine(line...); got.Verdict != MayBoot || got.Instance != s {
					t.Fatalf("ParseBootLine(start %q) = %q %v, want %q", line, got.Instance, got.Verdict, s)
				}
			}
		}
	})
}

// setsHelp reports whether arg may give --help a value: "--help=..." or short flags ending in
// "h=...".
func setsHelp(arg string) bool {
	if strings.HasPrefix(arg, "--") {
		return strings.HasPrefix(arg, "--help=")
	}
	flags, _, hasValue := strings.Cut(arg, "=")
	return hasValue && strings.HasPrefix(flags, "-") && strings.HasSuffix(flags, "h")
}

// FuzzSplitCommand checks that SplitCommand never panics, gives back the exact line from Argv,
// splits only at a command word that is not a flag, and keeps in Global only limactl's global
// flags and their values (as a separate parse of them with limactl's global flags says).
func FuzzSplitCommand(f *testing.F) {
	seedArgs(f)
	f.Fuzz(func(t *testing.T, s string) {
		argv := splitArgs(s)
		orig := slices.Clone(argv)
		inv := SplitCommand(argv)
		if !slices.Equal(argv, orig) {
			t.Fatalf("SplitCommand changed its arguments: %q -> %q", orig, argv)
		}
		if got := inv.Argv(); !slices.Equal(got, argv) || len(got) != len(argv) {
			t.Fatalf("SplitCommand(%q).Argv() = %q", argv, got)
		}
		if inv.Command == "" {
			if len(inv.Args) != 0 {
				t.Fatalf("SplitCommand(%q): arguments %q without a command", argv, inv.Args)
			}
			return
		}
		if strings.HasPrefix(inv.Command, "-") {
			t.Fatalf("SplitCommand(%q): command %q is a flag", argv, inv.Command)
		}
		if argv[len(inv.Global)] != inv.Command {
			t.Fatalf("SplitCommand(%q): command %q is not the word after the global flags %q", argv, inv.Command, inv.Global)
		}
		globals := pflag.NewFlagSet("limactl", pflag.ContinueOnError)
		globalFlags(globals)
		globals.SetOutput(io.Discard)
		if err := globals.Parse(inv.Global); err != nil || globals.NArg() != 0 || slices.Contains(inv.Global, "--") {
			t.Fatalf("SplitCommand(%q): %q are not only global flags of limactl (%v), yet a command was found", argv, inv.Global, err)
		}
		if with := inv.With("stop", "x"); !slices.Equal(with, append(slices.Clone(inv.Global), "stop", "x")) {
			t.Fatalf("With(stop, x) = %q, want the global flags %q first", with, inv.Global)
		}
	})
}

// FuzzParseInstanceArgs checks that ParseInstanceArgs never panics, and that when it accepts a
// line the names are the line's own arguments in order (or the default instance), within the
// bounds given, and Force comes from a -f/--force flag.
func FuzzParseInstanceArgs(f *testing.F) {
	for _, args := range argSeeds {
		f.Add(strings.Join(args, "\x00"), true, uint8(1), uint8(0))
		f.Add(strings.Join(args, "\x00"), false, uint8(0), uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, withForce bool, minN, maxN uint8) {
		args := splitArgs(s)
		minNames, maxNames := int(minN%3), int(maxN%5)-1 // maxNames -1 means no limit
		parsed, ok := ParseInstanceArgs(args, withForce, minNames, maxNames)
		if !ok {
			return
		}
		if len(parsed.Names) == 0 {
			t.Fatalf("ParseInstanceArgs(%q) accepted the line without a name", args)
		}
		if len(parsed.Names) < minNames || (maxNames >= 0 && len(parsed.Names) > max(maxNames, 1)) {
			t.Fatalf("ParseInstanceArgs(%q, %d, %d) = %d names", args, minNames, maxNames, len(parsed.Names))
		}
		if !isSubsequence(parsed.Names, args) &&
			!(minNames == 0 && slices.Equal(parsed.Names, []string{DefaultInstance})) {
			t.Fatalf("ParseInstanceArgs(%q) = names %q, not the line's own arguments in order", args, parsed.Names)
		}
		if parsed.Force && (!withForce || !slices.ContainsFunc(args, isForceFlag)) {
			t.Fatalf("ParseInstanceArgs(%q, withForce %v) = Force without a force flag", args, withForce)
		}
	})
}

// isSubsequence reports whether sub appears in seq in order.
func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, s := range seq {
		if i < len(sub) && sub[i] == s {
			i++
		}
	}
	return i == len(sub)
}

// isForceFlag reports whether arg can set --force: "--force[=...]" or short flags with an f.
func isForceFlag(arg string) bool {
	if arg == "--force" || strings.HasPrefix(arg, "--force=") {
		return true
	}
	return strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "--") && strings.Contains(arg, "f")
}
