// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

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

// ErrNotPreserved means some logs of an instance could not be preserved: that
// instance is not deleted or reset (with Strict, no instance of the line is
// deleted), and Delete and FactoryReset return it.
var ErrNotPreserved = errors.New("could not preserve every log")

// Delete prepares `limactl delete [-f] INSTANCE...` and hands over to it, so
// Lima's own clean-up runs. Without KeepLogs there is nothing to keep and the
// line goes to limactl at once, untouched. With KeepLogs, for each instance in
// order (once the logs directory was checked for each: checkLogsDir): an
// absent one is left to limactl (which warns and goes on); at a
// protected one it stops preparing, and limactl refuses it; a running one is
// stopped with `limactl stop` (forcibly with -f; gracefully without, where
// limactl alone would refuse it: its logs are kept either way); its logs are
// preserved. Any other failure to inspect an instance stops here with the
// error. A line it cannot parse goes to limactl unchanged, with KeepLogs after
// warnNotPreserved's warning. It never removes an instance directory itself.
//
// An instance whose logs could not all be preserved is not deleted: it is left
// stopped with every log whole in its old or its new place, and the error
// (ErrNotPreserved) names it. The other instances of the line are deleted
// (`limactl delete` with the same flags, naming them only) unless Strict, which
// deletes nothing; the exit status is then non-zero whatever limactl's.
func (h Hooks) Delete(ctx context.Context, inv limaadapter.Invocation) (int, error) {
	parsed, ok := limaadapter.ParseInstanceArgs(inv.Args, true, 1, -1)
	if !ok && h.KeepLogs {
		h.warnNotPreserved(inv)
	}
	if !ok || !h.KeepLogs {
		return h.execDelete(ctx, inv.Argv(), parsed.Names)
	}
	if err := limaadapter.ValidateNames(parsed.Names); err != nil {
		return 1, err
	}
	if err := h.checkLogsDir(parsed.Names...); err != nil {
		return 1, err
	}
	var kept []string
	var errs []error
	for i, name := range parsed.Names {
		inst, err := h.Lima.Inspect(ctx, name)
		if errors.Is(err, limaadapter.ErrNoInstance) {
			kept = append(kept, name)
			continue
		} else if err != nil {
			return 1, inspectError(inv, name, err)
		}
		if inst.Protected {
			kept = append(kept, parsed.Names[i:]...) // limactl refuses it and stops there
			break
		}
		if !inst.Stopped() {
			if status, err := h.stop(ctx, inv, name, parsed.Force); err != nil || status != 0 {
				return status, err
			}
		}
		if err := h.preserve(name); err != nil {
			errs = append(errs, fmt.Errorf("not deleting instance %q: %w", name, err))
			continue
		}
		kept = append(kept, name)
	}
	if len(errs) == 0 {
		return h.execDelete(ctx, inv.Argv(), parsed.Names)
	}
	return h.deleteKept(ctx, inv, parsed, kept, errs)
}

// deleteKept ends a Delete in which the logs of some instances could not all be
// preserved (errs, one each, naming it): it deletes only the instances kept
// (none with Strict) and returns errs, which wrap ErrNotPreserved.
func (h Hooks) deleteKept(ctx context.Context, inv limaadapter.Invocation, parsed limaadapter.InstanceArgs, kept []string, errs []error) (int, error) {
	notDeleted := logfile.JoinErrors(errs...)
	if h.Strict {
		return 1, fmt.Errorf("nothing was deleted (strict): %w", notDeleted)
	}
	if len(kept) > 0 {
		status, err := h.Lima.Run(ctx, inv.With(inv.Command, parsed.ArgsFor(kept)...)...)
		if err != nil {
			return 1, logfile.JoinErrors(err, notDeleted)
		}
		if status == 0 {
			h.forgetDeletedBoots(kept)
		}
	}
	return 1, notDeleted
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
	if err := h.checkLogsDir(name); err != nil {
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
		return 1, fmt.Errorf("not resetting instance %q: %w", name, err)
	}
	return h.handOver(inv.Argv()...)
}

// checkLogsDir checks, before anything is stopped or moved, that the logs of
// each existing instance of names could be preserved in LogsDir
// (logfile.CheckDestination: no symbolic link, no file in the way, writable).
func (h Hooks) checkLogsDir(names ...string) error {
	for _, name := range names {
		if dir, err := limaadapter.InstanceDir(name); err != nil || !exists(dir) {
			continue
		}
		if err := logfile.CheckDestination(h.LogsDir, name); err != nil {
			return fmt.Errorf("%w of instance %q, so nothing was stopped or deleted: %w", ErrNotPreserved, name, err)
		}
	}
	return nil
}

// preserve moves the logs of the stopped instance name into a new preserved set
// under LogsDir/<name>, holding the instance's lock: all of them, or, when one
// cannot be moved, none (those moved go back; logfile.PreserveOptions.AllOrNothing).
func (h Hooks) preserve(name string) error {
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return err
	}
	var res logfile.PreserveResult
	err = logfile.WithDirLock(dir, func() (err error) {
		res, err = logfile.Preserve(dir, filepath.Join(h.LogsDir, name), logfile.PreserveOptions{
			Now: h.now(), Copy: []string{limaadapter.ConfigFile}, Root: h.LogsDir, AllOrNothing: true})
		return err
	})
	if errors.Is(err, logfile.ErrNotLocked) {
		return fmt.Errorf("failed to lock instance %q: %w", name, err)
	}
	for _, skip := range res.Skipped {
		h.Log.WithField("instance", name).Warnf("Did not preserve %s: %s", skip.Name, skip.Reason)
	}
	switch first, n := firstOf(err); {
	case err == nil:
		if res.Dir != "" {
			h.Log.Infof("Preserved %s of instance %q in %s", count(len(res.Moved), "log", "logs"), name, res.Dir)
		}
		return nil
	case res.Dir == "":
		return fmt.Errorf("%w (%s; every log is back in %s): %w", ErrNotPreserved, count(n, "error", "errors"), dir, first)
	default:
		return fmt.Errorf("%w (%s; %s whole in %s, the others in %s): %w", ErrNotPreserved, count(n, "error", "errors"), count(len(res.Moved), "log", "logs"), res.Dir, dir, first)
	}
}

// warnNotPreserved prints one line saying that the wrapper cannot tell which
// instances the delete or factory-reset line inv removes, so it preserved
// nothing, naming the existing instances it may remove (limaadapter.RemoveAtRisk's
// lenient guess) and how to keep their logs. It prints nothing for a line that
// asks for help, a delete line that names no instance (limactl refuses it), or
// when no existing instance is named.
func (h Hooks) warnNotPreserved(inv limaadapter.Invocation) {
	names := limaadapter.RemoveAtRisk(inv)
	if len(names) == 0 {
		return
	}
	h.Log.WithField("instances", names).Warnf("Cannot tell which instance limactl %s removes (an unknown flag?), so no logs were kept "+
		"(Hint: first run limactl logkeep collect %s -o FILE.tar.gz)", inv.Command, strings.Join(names, " "))
}

// execDelete hands the delete line argv, which names the instances names (nil
// when it could not be parsed), over to limactl. When one of them has a
// start-at-login drop-in, limactl runs as a child instead, and the drop-ins of
// the instances that are gone afterwards are removed: never before limactl's
// delete succeeded, so an instance that survives keeps its boots kept.
func (h Hooks) execDelete(ctx context.Context, argv []string, names []string) (int, error) {
	if manager, err := CurrentServiceManager(); err != nil || manager != Systemd {
		return h.handOver(argv...) // Lima's delete removes the launchd agent, rewritten or not
	}
	if !slices.ContainsFunc(names, hasDropIn) {
		return h.handOver(argv...)
	}
	status, err := h.Lima.Run(ctx, argv...)
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
			h.Log.WithField("instance", name).WithError(err).Warn("Failed to remove the start-at-login drop-in of the deleted instance")
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

// firstOf returns the first of the errors err joins (logfile.JoinErrors) and how many
// it joins; for any other error, err itself and 1.
func firstOf(err error) (error, int) {
	if joined, ok := err.(interface{ Unwrap() []error }); ok && len(joined.Unwrap()) > 0 {
		return joined.Unwrap()[0], len(joined.Unwrap())
	}
	return err, 1
}
