// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lima-vm/lima/v2/cmd/limactl/editflags"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compatibleType reports whether our flag type accepts every value of Lima's:
// the same type, or a stringArray where a version had a string (--set).
func compatibleType(lima, ours string) bool {
	return lima == ours || (lima == "string" && ours == "stringArray")
}

// assertCovers checks that every flag of lima is in ours with the same shorthand,
// a compatible type and the same default for a flag given without a value.
func assertCovers(t *testing.T, lima, ours *pflag.FlagSet) {
	t.Helper()
	lima.VisitAll(func(f *pflag.Flag) {
		o := ours.Lookup(f.Name)
		if o == nil {
			t.Errorf("Lima's flag --%s (%s) is not in our table", f.Name, f.Value.Type())
			return
		}
		if o.Shorthand != f.Shorthand || o.NoOptDefVal != f.NoOptDefVal || !compatibleType(f.Value.Type(), o.Value.Type()) {
			t.Errorf("--%s: Lima has -%s %s %q, our table -%s %s %q", f.Name, f.Shorthand, f.Value.Type(), f.NoOptDefVal,
				o.Shorthand, o.Value.Type(), o.NoOptDefVal)
		}
	})
}

// limaV2Start is `limactl start`'s flag set as Lima v2.2.0's cmd/limactl/start.go
// builds it (registerCreateFlags, then --foreground, --timeout, --progress).
func limaV2Start() *pflag.FlagSet {
	cmd := &cobra.Command{Use: "start"}
	cmd.Flags().String("name", "", "")
	cmd.Flags().Bool("list-templates", false, "")
	cmd.Flags().Bool("list-drivers", false, "")
	editflags.RegisterCreate(cmd, "")
	cmd.Flags().Bool("foreground", false, "")
	cmd.Flags().Duration("timeout", 0, "")
	cmd.Flags().Bool("progress", false, "")
	return cmd.Flags()
}

// TestStartFlagsAgreeWithLima holds the tables to Lima v2.2.0's own flag sets of
// `limactl start` and of `limactl edit`/`clone`/`rename` (editflags.RegisterEdit
// and --start): every flag, with its shorthand, a compatible value type and its
// default for a flag given without a value. v1.2.1's are checked from its
// limactl's --help (TestFlagsCoverRealLimactlHelp).
func TestStartFlagsAgreeWithLima(t *testing.T) {
	ours := pflag.NewFlagSet("start", pflag.ContinueOnError)
	registerStartFlags(ours)
	assertCovers(t, limaV2Start(), ours)

	edit := &cobra.Command{Use: "edit"}
	edit.Flags().Bool("start", false, "")
	editflags.RegisterEdit(edit, "")
	oursEdit := pflag.NewFlagSet("edit", pflag.ContinueOnError)
	registerEditFlags(oursEdit)
	assertCovers(t, edit.Flags(), oursEdit)
}

// helpFlag is a flag as cobra prints it in --help: "  -y, --yes  ..." or
// "      --cpus int  ...".
var helpFlag = regexp.MustCompile(`^\s+(?:-(\w), )?--([\w-]+)(?: (\w+))?`)

// pflagTypeWords are the words pflag prints after a flag's name for its type
// (pflag's UnquoteUsage); any other word begins the flag's description.
var pflagTypeWords = []string{"string", "strings", "stringArray", "int", "ints", "uint16", "uint", "float32", "float",
	"duration", "ipSlice", "ip", "ipNet", "bools", "count", "stringToString", "int32", "int64", "uint32", "uint8"}

// helpFlagSpec is a flag read from --help output; typ is pflag's type word, ""
// for a bool.
type helpFlagSpec struct{ name, shorthand, typ string }

// parseHelpFlags reads the flags of every section of cobra's --help output.
func parseHelpFlags(help string) []helpFlagSpec {
	var specs []helpFlagSpec
	for _, line := range strings.Split(help, "\n") {
		m := helpFlag.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		typ := m[3]
		if !slices.Contains(pflagTypeWords, typ) {
			typ = "" // the description: a bool flag
		}
		specs = append(specs, helpFlagSpec{name: m[2], shorthand: m[1], typ: typ})
	}
	return specs
}

// helpTypeMatches reports whether a flag of ours accepts what a flag printed
// with pflag's type word accepts: "strings" is a stringSlice or a stringArray.
func helpTypeMatches(word, ours string) bool {
	switch word {
	case "":
		return ours == "bool"
	case "strings":
		return ours == "stringSlice" || ours == "stringArray"
	}
	return compatibleType(word, ours)
}

// realHelp runs `limactl COMMAND --help` and returns its output.
func realHelp(t *testing.T, limactl, command string) string {
	t.Helper()
	out, err := exec.Command(limactl, command, "--help").CombinedOutput()
	require.NoError(t, err, "%s %s --help: %s", limactl, command, out)
	return string(out)
}

// helpCommands are the boot commands whose flags the tables hold, per version.
var helpCommands = map[string][]string{
	"v2.2.0": {"start", "create", "edit", "clone", "rename"},
	"v1.2.1": {"start", "create", "edit", "clone"},
}

// TestFlagsCoverRealLimactlHelp reads the flags each real limactl (v2.2.0 and
// v1.2.1) prints for start, create, edit, clone and rename, and checks that each
// is in our table for the command (with limactl's global flags) with the same
// shorthand and a type accepting the same values.
func TestFlagsCoverRealLimactlHelp(t *testing.T) {
	for version, limactl := range realLimactls(t) {
		for _, command := range helpCommands[version] {
			t.Run(version+"/"+command, func(t *testing.T) {
				ours := pflag.NewFlagSet(command, pflag.ContinueOnError)
				if command == "start" || command == "create" {
					registerStartFlags(ours)
				} else {
					registerEditFlags(ours)
				}
				globalFlags(ours)
				specs := parseHelpFlags(realHelp(t, limactl, command))
				require.NotEmpty(t, specs, "no flags read from `%s %s --help`", version, command)
				for _, spec := range specs {
					if spec.name == "help" {
						continue
					}
					o := ours.Lookup(spec.name)
					if !assert.NotNil(t, o, "--%s (%s) of %s %s is not in our table", spec.name, spec.typ, version, command) {
						continue
					}
					assert.Equal(t, spec.shorthand, o.Shorthand, "--%s shorthand", spec.name)
					assert.True(t, helpTypeMatches(spec.typ, o.Value.Type()), "--%s: limactl prints %q, our table has %s",
						spec.name, spec.typ, o.Value.Type())
				}
			})
		}
	}
}

// sampleValue is a value limactl accepts for a flag of pflag's type word.
func sampleValue(name, typ string) string {
	switch name {
	case "port-forward":
		return "8080:80"
	case "param", "set":
		if name == "set" {
			return ".cpus=2"
		}
		return "a=b"
	case "mount", "mount-only":
		return "/tmp"
	case "ssh-port":
		return "2222"
	}
	switch typ {
	case "int", "uint16", "float32":
		return "2"
	case "duration":
		return "10m"
	case "ipSlice":
		return "1.1.1.1"
	}
	return "x"
}

// assertEveryFlagStartsVM feeds ParseBootLine a start line with each flag of specs, with a valid value,
// alone and all together, plus the instance "vm", in the forms --flag value and
// --flag=value, and expects the instance vm (an existing instance is rotated).
func assertEveryFlagStartsVM(t *testing.T, specs []helpFlagSpec) {
	t.Helper()
	var all []string
	for _, spec := range specs {
		switch spec.name {
		case "help", "list-templates", "list-drivers": // they boot nothing
			continue
		case "name":
			spec.typ = "name"
		}
		var forms [][]string
		if spec.typ == "" {
			forms = [][]string{{"--" + spec.name}, {"--" + spec.name + "=true"}}
		} else {
			value := sampleValue(spec.name, spec.typ)
			if spec.typ == "name" {
				value = "vm"
			}
			forms = [][]string{{"--" + spec.name, value}, {"--" + spec.name + "=" + value}}
		}
		for _, form := range forms {
			for _, line := range [][]string{append(slices.Clone(form), "vm"), append([]string{"vm"}, form...)} {
				got := startLine(line...)
				assert.True(t, got.Verdict == MayBoot && got.Instance == "vm" && !got.FromTemplate, "start %q: %+v; want the existing instance vm", line, got)
			}
		}
		all = append(all, forms[0]...)
	}
	got := startLine(append(all, "vm")...)
	assert.True(t, got.Verdict == MayBoot && got.Instance == "vm" && !got.FromTemplate, "start (every flag) vm: %+v", got)
}

// TestEveryStartFlagOfLimaV2StartsTheInstance feeds every flag of Lima v2.2.0's
// own `limactl start` flag set to ParseBootLine.
func TestEveryStartFlagOfLimaV2StartsTheInstance(t *testing.T) {
	var specs []helpFlagSpec
	limaV2Start().VisitAll(func(f *pflag.Flag) {
		typ := f.Value.Type()
		if typ == "bool" {
			typ = ""
		}
		specs = append(specs, helpFlagSpec{name: f.Name, shorthand: f.Shorthand, typ: typ})
	})
	require.Contains(t, specs, helpFlagSpec{name: "port-forward", typ: "stringArray"})
	assertEveryFlagStartsVM(t, specs)
}

// TestEveryStartFlagOfRealLimactlsStartsTheInstance feeds every flag each real
// limactl (v2.2.0 and v1.2.1) prints for `start --help` to ParseBootLine.
func TestEveryStartFlagOfRealLimactlsStartsTheInstance(t *testing.T) {
	for version, limactl := range realLimactls(t) {
		t.Run(version, func(t *testing.T) {
			specs := parseHelpFlags(realHelp(t, limactl, "start"))
			require.NotEmpty(t, specs)
			assertEveryFlagStartsVM(t, specs)
		})
	}
}

// TestIssueStartLines are the `limactl start` lines that lost logs with Lima 2.2
// (issue 10's table).
func TestIssueStartLines(t *testing.T) {
	for _, line := range [][]string{{"--progress", "vm"}, {"--ssh-port", "0", "vm"}, {"--port-forward", "8080:80", "vm"},
		{"--param", "a=b", "--param", "c=d", "vm"}, {"--ssh-port", "2222", "vm"}, {"--mount-only", "/tmp", "vm"},
		{"--nested-virt", "vm"}, {"--set", ".cpus=2", "--set", ".memory=\"1GiB\"", "vm"}, {"vm", "--shell", "/bin/zsh"},
		{"--image-variant", "x", "--audio-device", "none", "--audio-interface", "hda", "vm"}} {
		got := startLine(line...)
		assert.True(t, got.Verdict == MayBoot && got.Instance == "vm" && !got.FromTemplate, "start %q: %+v", line, got)
	}
	for _, line := range [][]string{{"--list-drivers"}, {"--list-drivers", "vm"}, {"--ssh-port", "70000", "vm"}} {
		assert.NotEqual(t, MayBoot, startLine(line...).Verdict, "%q boots nothing or is rejected by limactl", line)
	}
}

// TestEditFlags parses edit/clone/rename lines with registerEditFlags.
func TestEditFlags(t *testing.T) {
	flags, ok := parse([]string{"--start", "--cpus", "2", "--set", ".a=1", "--set", ".b=2", "--ssh-port=22", "OLD", "NEW"}, registerEditFlags)
	require.True(t, ok)
	start, _ := flags.GetBool("start")
	assert.True(t, start)
	set, _ := flags.GetStringArray("set")
	assert.Equal(t, []string{".a=1", ".b=2"}, set)
	assert.Equal(t, []string{"OLD", "NEW"}, flags.Args())
	_, ok = parse([]string{"--arch", "x86_64", "vm"}, registerEditFlags)
	assert.False(t, ok, "--arch is a create flag only")
}
