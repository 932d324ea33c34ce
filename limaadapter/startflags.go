// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import "github.com/spf13/pflag"

// flagSpec is one limactl flag: its name, pflag value type and shorthand.
type flagSpec struct{ name, typ, shorthand string }

// editFlags are the flags Lima's editflags.RegisterEdit gives `limactl edit`,
// `clone` and `rename`, for Lima v2.2.0 and v1.2.1 together. Where the two
// versions differ, the table takes what either accepts:
//   - v2 added --mount-only, --nested-virt, --param, --ssh-port and --shell;
//   - v2 made --set a stringArray (repeatable; v1.2.1 had a string, which takes
//     the same one value per use);
//   - v2 moved --vm-type here from RegisterCreate.
//
// They are listed here rather than registered by editflags because that package
// needs cobra, whose package initialisation would then run on every command;
// tests check the table against both versions' editflags and --help output.
var editFlags = []flagSpec{
	{"cpus", "int", ""},
	{"disk", "float32", ""},
	{"dns", "ipSlice", ""},
	{"memory", "float32", ""},
	{"mount", "stringSlice", ""},
	{"mount-inotify", "bool", ""},
	{"mount-none", "bool", ""},
	{"mount-only", "stringSlice", ""}, // v2
	{"mount-type", "string", ""},
	{"mount-writable", "bool", ""},
	{"nested-virt", "bool", ""}, // v2
	{"network", "stringSlice", ""},
	{"param", "stringArray", ""}, // v2
	{"rosetta", "bool", ""},
	{"set", "stringArray", ""}, // v1.2.1: string
	{"shell", "string", ""},    // v2
	{"ssh-port", "uint16", ""}, // v2
	{"video", "bool", ""},
	{"vm-type", "string", ""}, // v1.2.1: a create flag only
}

// createOnlyFlags are the flags editflags.RegisterCreate adds to RegisterEdit's
// for `limactl start` and `create` (v2.2.0 and v1.2.1 together; v2 added
// --image-variant, --port-forward, --audio-device and --audio-interface).
var createOnlyFlags = []flagSpec{
	{"arch", "string", ""},
	{"audio-device", "string", ""},    // v2
	{"audio-interface", "string", ""}, // v2
	{"containerd", "string", ""},
	{"image-variant", "string", ""}, // v2
	{"plain", "bool", ""},
	{"port-forward", "stringArray", ""}, // v2
}

// startOnlyFlags are the flags cmd/limactl/start.go gives `limactl start` and
// `create` around editflags.RegisterCreate (v2.2.0 and v1.2.1 together; v2 added
// --list-drivers and --progress). --foreground and --timeout are start's only;
// accepting them on a create line costs nothing, as such a line boots nothing.
var startOnlyFlags = []flagSpec{
	{"name", "string", ""},
	{"list-templates", "bool", ""},
	{"list-drivers", "bool", ""}, // v2
	{"foreground", "bool", ""},   // not on Windows
	{"timeout", "duration", ""},
	{"progress", "bool", ""}, // v2
}

// registerSpecs registers specs on flags with their types, so that a value
// limactl would reject (`--cpus x`) is rejected here too.
func registerSpecs(flags *pflag.FlagSet, specs []flagSpec) {
	for _, f := range specs {
		switch f.typ {
		case "bool":
			flags.BoolP(f.name, f.shorthand, false, "")
		case "int":
			flags.IntP(f.name, f.shorthand, 0, "")
		case "uint16":
			flags.Uint16P(f.name, f.shorthand, 0, "")
		case "float32":
			flags.Float32P(f.name, f.shorthand, 0, "")
		case "duration":
			flags.DurationP(f.name, f.shorthand, 0, "")
		case "ipSlice":
			flags.IPSliceP(f.name, f.shorthand, nil, "")
		case "stringSlice":
			flags.StringSliceP(f.name, f.shorthand, nil, "")
		case "stringArray":
			flags.StringArrayP(f.name, f.shorthand, nil, "")
		default:
			flags.StringP(f.name, f.shorthand, "", "")
		}
	}
}

// registerEditFlags registers the flags of `limactl edit`, `clone` and `rename`
// (editflags.RegisterEdit of either version) and --start, which v2 gives all
// three.
func registerEditFlags(flags *pflag.FlagSet) {
	flags.Bool("start", false, "")
	registerSpecs(flags, editFlags)
}

// registerStartFlags registers the flags of `limactl start` and `create` of
// Lima v2.2.0 and v1.2.1: --name, --list-templates, --list-drivers, the create
// flags, --foreground, --timeout and --progress.
func registerStartFlags(flags *pflag.FlagSet) {
	registerSpecs(flags, startOnlyFlags)
	registerSpecs(flags, editFlags)
	registerSpecs(flags, createOnlyFlags)
}

// StartFlags returns every flag of `limactl start` of Lima v2.2.0 and v1.2.1,
// the table ParseBootLine parses a start line with, as a map from the flag's name to the pflag
// type of its value ("bool", "int", "stringArray", ...).
func StartFlags() map[string]string {
	flags := pflag.NewFlagSet("start", pflag.ContinueOnError)
	registerStartFlags(flags)
	all := map[string]string{}
	flags.VisitAll(func(f *pflag.Flag) { all[f.Name] = f.Value.Type() })
	return all
}
