package hooks

import (
	"context"
	"os"
	"slices"
	"strings"

	"limactl-logkeep/limaadapter"
)

// StartAtLoginHint runs `limactl start-at-login [INSTANCE] [--enabled]` or
// `limactl autostart enable INSTANCE` unchanged, after one line on stderr saying
// how to keep the service manager's boots of the instance, unless they are
// kept already (or the line disables, or names no valid instance).
func (h Hooks) StartAtLoginHint(_ context.Context, inv limaadapter.Invocation) (int, error) {
	if name, ok := registeredBy(inv); ok {
		manager, err := CurrentServiceManager()
		if err == nil {
			st, err := h.ServiceBootsStatus(name, ServiceBoots{Manager: manager})
			if err == nil && !st.Present {
				h.Log.Infof("The service manager's boots of instance %q will delete its logs; to keep every boot: limactl logkeep start-at-login %s", name, name)
			}
		}
	}
	return h.handOver(inv.Argv()...)
}

// registeredBy returns the instance a start-at-login or autostart line
// registers, and false when it registers none (it disables, or is not a
// registration).
func registeredBy(inv limaadapter.Invocation) (string, bool) {
	args := inv.Args
	if inv.Command == "autostart" {
		if len(args) == 0 || args[0] != "enable" {
			return "", false
		}
		args = args[1:]
	}
	var words []string
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; {
		case arg == "--enabled=false" || arg == "-h" || arg == "--help":
			return "", false
		case arg == "--condition" || arg == "--user":
			i++ // its value
		case arg == "--":
			words = append(words, args[i+1:]...)
			i = len(args)
		case !strings.HasPrefix(arg, "-"):
			words = append(words, arg)
		}
	}
	if len(words) == 0 && inv.Command == "start-at-login" {
		words = []string{limaadapter.DefaultInstance}
	}
	if len(words) != 1 || limaadapter.ValidateName(words[0]) != nil {
		return "", false
	}
	return words[0], true
}

// execDelete hands `limactl delete ...` over to limactl. When an instance it
// names has a start-at-login drop-in, limactl runs as a child instead, and the
// drop-ins of the instances that are gone afterwards are removed: never before
// limactl's delete succeeded, so an instance that survives keeps its boots kept.
func (h Hooks) execDelete(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, true, 1, -1)
	if !ok || !slices.ContainsFunc(parsed.Names, hasDropIn) {
		return h.handOver(inv.Argv()...)
	}
	status, err := h.Lima.Run(ctx, inv.Argv()...)
	if err != nil {
		return status, err
	}
	h.forgetDeletedBoots(parsed.Names)
	return status, nil
}

// hasDropIn reports whether the instance name has a start-at-login drop-in.
func hasDropIn(name string) bool {
	manager, err := CurrentServiceManager()
	if err != nil || manager != Systemd {
		return false
	}
	path, err := limaadapter.SystemdDropInPath(name, os.Getenv)
	return err == nil && exists(path)
}
