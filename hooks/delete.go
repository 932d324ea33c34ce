package hooks

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// ErrNotPreserved means some logs could not be preserved; with Strict nothing
// is deleted or reset, and Delete and FactoryReset return it.
var ErrNotPreserved = errors.New("logs not preserved")

// Delete prepares `limactl delete [-f] INSTANCE...` and hands over to it with the
// arguments unchanged, so Lima's own clean-up runs. Without KeepLogs there is
// nothing to keep and the line goes to limactl at once, untouched. With KeepLogs,
// for each instance in order: an absent one is left to limactl (which warns and
// goes on); at a protected one it stops preparing, and limactl refuses it; a
// running one is stopped with `limactl stop` (forcibly with -f; gracefully
// without, where limactl alone would refuse it: its logs are kept either way);
// its logs are preserved. Any other failure to inspect an instance stops here
// with the error. It never removes an instance directory itself.
func (h Hooks) Delete(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, true, 1, -1)
	if !ok || !h.KeepLogs {
		return h.execDelete(ctx, inv)
	}
	if err := limaadapter.ValidateNames(parsed.Names); err != nil {
		return 1, err
	}
	var failed []error
	for _, name := range parsed.Names {
		inst, err := h.Lima.Inspect(ctx, name)
		if errors.Is(err, limaadapter.ErrNoInstance) {
			continue
		} else if err != nil {
			return 1, inspectError(inv, name, err)
		}
		if inst.Protected {
			break
		}
		if !inst.Stopped() {
			if status, err := h.stop(ctx, inv, name, parsed.Force); err != nil || status != 0 {
				return status, err
			}
		}
		if err := h.preserve(name); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 && h.Strict {
		return 1, fmt.Errorf("%w: %w\nNothing was deleted (Strict); fix the cause and try again", ErrNotPreserved, errors.Join(failed...))
	}
	for _, err := range failed {
		h.Log.Error(err)
	}
	return h.execDelete(ctx, inv)
}

// FactoryReset prepares `limactl factory-reset [INSTANCE]`: with KeepLogs it stops
// the instance forcibly, as factory-reset itself would, and preserves its logs.
// Then it hands over to limactl with the arguments unchanged.
func (h Hooks) FactoryReset(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, false, 0, 1)
	if !ok || !h.KeepLogs {
		return h.handOver(inv.Argv()...)
	}
	name := parsed.Names[0]
	if err := limaadapter.ValidateName(name); err != nil {
		return 1, err
	}
	inst, err := h.Lima.Inspect(ctx, name)
	if errors.Is(err, limaadapter.ErrNoInstance) || (err == nil && inst.Protected) {
		return h.handOver(inv.Argv()...) // limactl reports the missing or protected instance
	} else if err != nil {
		return 1, inspectError(inv, name, err)
	}
	if !inst.Stopped() {
		if status, err := h.stop(ctx, inv, name, true); err != nil || status != 0 {
			return status, err
		}
	}
	if err := h.preserve(name); err != nil {
		if h.Strict {
			return 1, fmt.Errorf("%w: %w\nNothing was reset (Strict); fix the cause and try again", ErrNotPreserved, err)
		}
		h.Log.Error(err)
	}
	return h.handOver(inv.Argv()...)
}

// preserve moves the logs of the stopped instance name into a new preserved set
// under LogsDir/<name>, holding the instance's lock.
func (h Hooks) preserve(name string) error {
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return err
	}
	var (
		res         logfile.PreserveResult
		preserveErr error
	)
	err = logfile.WithDirLock(dir, func() error {
		res, preserveErr = logfile.Preserve(dir, filepath.Join(h.LogsDir, name), logfile.PreserveOptions{Now: h.now(), Copy: []string{limaadapter.ConfigFile}})
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot lock instance %q: %w", name, err)
	}
	for _, skip := range res.Skipped {
		h.Log.Warnf("Did not preserve %s of instance %q: %s", skip.Name, name, skip.Reason)
	}
	if res.Dir != "" {
		h.Log.Infof("Preserved %d logs of instance %q in %s", len(res.Moved), name, res.Dir)
	}
	if preserveErr != nil {
		return fmt.Errorf("could not preserve every log of instance %q; each file named below is still whole in %s (or in both places):\n%w", name, dir, preserveErr)
	}
	return nil
}
