package hooks

import (
	"context"

	"limactl-logkeep/limaadapter"
)

// Wrap runs a whole limactl command line as limactl would, with the lifecycle
// hooks around start, restart, delete (rm, remove) and factory-reset. Every
// other command goes to the real limactl unchanged.
func (h Hooks) Wrap(ctx context.Context, argv []string) (int, error) {
	inv := limaadapter.SplitCommand(argv)
	switch inv.Command {
	case "start":
		return h.Start(ctx, inv, StartOptions{})
	case "restart":
		return h.Restart(ctx, inv, StartOptions{})
	case "delete", "rm", "remove":
		return h.Delete(ctx, inv)
	case "factory-reset":
		return h.FactoryReset(ctx, inv)
	default:
		return h.Lima.Exec(argv...)
	}
}

// PassesThrough reports whether Wrap hands the limactl command line argv to the
// real limactl unchanged, with no hook and no option of limactl-logkeep's
// involved, so that a caller may exec limactl at once.
func PassesThrough(argv []string) bool {
	switch limaadapter.SplitCommand(argv).Command {
	case "start", "restart", "delete", "rm", "remove", "factory-reset":
		return false
	}
	return true
}
