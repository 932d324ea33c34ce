package limaadapter

import "github.com/spf13/pflag"

// createFlags are the flags Lima's editflags.RegisterCreate gives `limactl start`
// and `limactl create` (Lima v1.2.1), with their pflag value types. They are
// listed here rather than registered by editflags because that package needs
// cobra, whose package initialisation would then run on every command; a test
// checks the list against editflags.RegisterCreate.
var createFlags = []struct{ name, typ string }{
	{"arch", "string"},
	{"containerd", "string"},
	{"cpus", "int"},
	{"disk", "float32"},
	{"dns", "ipSlice"},
	{"memory", "float32"},
	{"mount", "stringSlice"},
	{"mount-inotify", "bool"},
	{"mount-none", "bool"},
	{"mount-type", "string"},
	{"mount-writable", "bool"},
	{"network", "stringSlice"},
	{"plain", "bool"},
	{"rosetta", "bool"},
	{"set", "string"},
	{"video", "bool"},
	{"vm-type", "string"},
}

// registerCreateFlags registers createFlags on flags with their types, so that a
// value limactl would reject (`--cpus x`) is rejected here too.
func registerCreateFlags(flags *pflag.FlagSet) {
	for _, f := range createFlags {
		switch f.typ {
		case "bool":
			flags.Bool(f.name, false, "")
		case "int":
			flags.Int(f.name, 0, "")
		case "float32":
			flags.Float32(f.name, 0, "")
		case "ipSlice":
			flags.IPSlice(f.name, nil, "")
		case "stringSlice":
			flags.StringSlice(f.name, nil, "")
		default:
			flags.String(f.name, "", "")
		}
	}
}

// registerStartFlags registers the flags of `limactl start` (cmd/limactl/start.go
// in Lima v1.2.1): --name, --list-templates, the create flags, --foreground and
// --timeout.
func registerStartFlags(flags *pflag.FlagSet) {
	flags.String("name", "", "")
	flags.Bool("list-templates", false, "")
	registerCreateFlags(flags)
	flags.Bool("foreground", false, "")
	flags.Duration("timeout", 0, "")
}
