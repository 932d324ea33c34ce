package hooks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
// with the error. A line it cannot parse goes to limactl unchanged, with
// KeepLogs after warnNotPreserved's warning. It never removes an instance
// directory itself.
func (h Hooks) Delete(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, true, 1, -1)
	if !ok && h.KeepLogs {
		h.warnNotPreserved(inv)
	}
	if !ok || !h.KeepLogs {
		return h.execDelete(ctx, inv, parsed.Names)
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
	return h.execDelete(ctx, inv, parsed.Names)
}

// FactoryReset prepares `limactl factory-reset [INSTANCE]`: with KeepLogs it stops
// the instance forcibly, as factory-reset itself would, and preserves its logs.
// Then it hands over to limactl with the arguments unchanged. A line it cannot
// parse goes to limactl at once, with KeepLogs after warnNotPreserved's warning.
func (h Hooks) FactoryReset(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, false, 0, 1)
	if !ok && h.KeepLogs {
		h.warnNotPreserved(inv)
	}
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
	var res logfile.PreserveResult
	err = logfile.WithDirLock(dir, func() (err error) {
		res, err = logfile.Preserve(dir, filepath.Join(h.LogsDir, name), logfile.PreserveOptions{Now: h.now(), Copy: []string{limaadapter.ConfigFile}, Root: h.LogsDir})
		return err
	})
	if errors.Is(err, logfile.ErrNotLocked) {
		return fmt.Errorf("cannot lock instance %q: %w", name, err)
	}
	for _, skip := range res.Skipped {
		h.Log.Warnf("Did not preserve %s of instance %q: %s", skip.Name, name, skip.Reason)
	}
	if res.Dir != "" {
		h.Log.Infof("Preserved %s of instance %q in %s", count(len(res.Moved), "log", "logs"), name, res.Dir)
	}
	if err != nil {
		return fmt.Errorf("could not preserve every log of instance %q; each file named below is still whole in %s (or in both places):\n%w", name, dir, err)
	}
	return nil
}

// warnNotPreserved prints one line saying that the wrapper cannot tell which
// instances the delete or factory-reset line inv removes, so it preserved
// nothing, naming the existing instances it may remove (limaadapter.StartAtRisk's
// lenient guess) and how to keep their logs. It prints nothing for a line that
// asks for help, a delete line that names no instance (limactl refuses it), or
// when no existing instance is named.
func (h Hooks) warnNotPreserved(inv limaadapter.Invocation) {
	names := limaadapter.RemoveAtRisk(inv)
	if len(names) == 0 {
		return
	}
	h.Log.Warnf("limactl-logkeep cannot tell which instance `limactl %s` removes (a flag it does not know?), so it preserved nothing: if it removes %s, Lima deletes its logs with it; to keep them, stop here and run `limactl logkeep collect %s -o FILE.tar.gz` first",
		inv.Command, quotedOr(names), strings.Join(names, " "))
}

// execDelete hands the delete line inv, which names the instances names (nil
// when it could not be parsed), over to limactl. When one of them has a
// start-at-login drop-in, limactl runs as a child instead, and the drop-ins of
// the instances that are gone afterwards are removed: never before limactl's
// delete succeeded, so an instance that survives keeps its boots kept.
func (h Hooks) execDelete(ctx context.Context, inv limaadapter.Invocation, names []string) (int, error) {
	if manager, err := CurrentServiceManager(); err != nil || manager != Systemd {
		return h.handOver(inv.Argv()...) // Lima's delete removes the launchd agent, rewritten or not
	}
	if !slices.ContainsFunc(names, hasDropIn) {
		return h.handOver(inv.Argv()...)
	}
	status, err := h.Lima.Run(ctx, inv.Argv()...)
	if err != nil {
		return status, err
	}
	h.forgetDeletedBoots(names)
	return status, nil
}

// hasDropIn reports whether the instance name has a systemd start-at-login
// drop-in.
func hasDropIn(name string) bool {
	path, err := limaadapter.SystemdDropInPath(name, os.Getenv)
	return err == nil && exists(path)
}

// forgetDeletedBoots removes the systemd start-at-login drop-ins of the
// instances in names that no longer exist (after `limactl delete`), warning
// about any it cannot remove.
func (h Hooks) forgetDeletedBoots(names []string) {
	for _, name := range slices.Compact(slices.Clone(names)) {
		if dir, err := limaadapter.InstanceDir(name); err != nil || exists(dir) {
			continue
		}
		if path, err := h.ForgetServiceBoots(name, ServiceBoots{Manager: Systemd}); err != nil {
			h.Log.Warnf("Instance %q is deleted, but its start-at-login drop-in is not: %v", name, err)
		} else if path != "" {
			h.Log.Debugf("Removed %s of deleted instance %q", path, name)
		}
	}
}

// exists reports whether something is at path (an Lstat error other than
// "does not exist" counts as there).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, os.ErrNotExist)
}
