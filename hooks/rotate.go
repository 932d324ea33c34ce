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

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// ErrRunning means an instance is running, so its logs must not be renamed.
var ErrRunning = errors.New("instance is running")

// ErrNotStopped means Lima reports an instance neither running nor stopped
// (for example Broken), so it is not safe to rename its logs.
var ErrNotStopped = errors.New("instance is not stopped")

// rotateIfStopped rotates the logs of the instance name when it exists and is
// stopped, holding the instance's lock from the status check to the last rename.
// It returns ErrRunning for a running instance and an error wrapping
// limaadapter.ErrNoInstance for a missing one, leaving every file alone.
func (h Hooks) rotateIfStopped(ctx context.Context, name string) error {
	dir, err := limaadapter.InstanceDir(name)
	if err != nil {
		return err
	}
	if limaadapter.HostAgentAlive(dir) { // the fast answer for a running instance
		return fmt.Errorf("failed to rotate the logs of instance %q: %w", name, ErrRunning)
	}
	err = logfile.WithDirLock(dir, func() error { return h.rotateLocked(ctx, name, dir) })
	switch {
	case errors.Is(err, logfile.ErrNotLocked) && errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("failed to rotate the logs of instance %q: %w (no %s)", name, limaadapter.ErrNoInstance, dir)
	case errors.Is(err, logfile.ErrNotLocked):
		return fmt.Errorf("failed to lock instance %q: %w", name, err)
	}
	return err
}

// rotateLocked rotates the logs in dir of the instance name when it is stopped;
// the caller holds the instance's lock.
func (h Hooks) rotateLocked(ctx context.Context, name, dir string) error {
	inst, err := h.Lima.Inspect(ctx, name)
	if err != nil {
		return err
	}
	switch {
	case inst.Running(), limaadapter.HostAgentAlive(dir): // Lima's "Broken" while its driver starts
		return fmt.Errorf("failed to rotate the logs of instance %q: %w", name, ErrRunning)
	case !inst.Stopped():
		return fmt.Errorf("failed to rotate the logs of instance %q: its status is %q: %w", name, inst.Status, ErrNotStopped)
	}
	res, err := logfile.Rotate(dir, logfile.RotateOptions{
		Names:      limaadapter.LogNames,
		MaxBackups: h.MaxBackups,
		KeepAll:    h.KeepLogs,
		Compress:   h.Compress,
		LeaveEmpty: limaadapter.StartLogs,
		InUse:      func() bool { return limaadapter.BootInProgress(dir) },
	})
	if giveBackStartLogs(dir, res) {
		res.InUse = true
	}
	for _, skip := range res.Skipped {
		h.Log.WithField("instance", name).Warnf("Left %s alone: %s", skip.Name, skip.Reason)
	}
	if res.Generation > 0 {
		h.Log.Infof("Kept the logs of instance %q's last boot as generation %d (%s)", name, res.Generation, count(len(res.Renamed), "file", "files"))
	}
	for _, pruned := range res.Pruned {
		h.Log.Debugf("Pruned %s of instance %q (keeping %d generations)", pruned, name, h.MaxBackups)
	}
	switch {
	case errors.Is(err, logfile.ErrHousekeeping): // the logs were renamed: only the clean-up failed
		return fmt.Errorf("instance %q: %w", name, err)
	case err != nil:
		return fmt.Errorf("failed to rotate the logs of instance %q: %w", name, err)
	case res.InUse: // a start began meanwhile: the logs left are the new boot's
		return fmt.Errorf("instance %q began to boot while its logs were rotated: %w", name, ErrRunning)
	}
	return nil
}

// rotateBeforeStart rotates the logs of the instance name before limactl starts
// it. A missing instance (limactl creates it), a running one (limactl says so)
// and a failure after every log was renamed (pruning, compressing: the logs are
// safe, so the start goes on with a warning) are not errors; any other error
// wraps ErrNotStarted.
func (h Hooks) rotateBeforeStart(ctx context.Context, name string) error {
	err := h.rotateIfStopped(ctx, name)
	switch {
	case errors.Is(err, ErrRunning), errors.Is(err, limaadapter.ErrNoInstance):
		return nil // limactl says it runs, or creates it
	case errors.Is(err, logfile.ErrHousekeeping):
		h.Log.Warn(err)
		return nil
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotStarted, err)
	}
	return nil
}

// Rotate rotates the logs of each named instance now. Every name is validated
// before anything is touched; a missing or running instance is an error, and so
// is a failure to prune or compress after the logs were renamed.
func (h Hooks) Rotate(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return errors.New("no instance named")
	}
	if err := limaadapter.ValidateNames(names); err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		err := h.rotateIfStopped(ctx, name)
		switch {
		case errors.Is(err, ErrRunning):
			err = fmt.Errorf("%w (Hint: limactl stop %s)", err, name)
		case errors.Is(err, ErrNotStopped):
			err = fmt.Errorf("%w (Hint: limactl stop -f %s)", err, name)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return logfile.JoinErrors(errs...)
}

// giveBackStartLogs undoes the rename of a host agent log that a start created while res's
// rotation ran (the process may be descheduled between its last check and the rename): once
// the host agent is up, Lima has created both logs before it, so an active name that is free
// now held the new boot's file, which goes back to it (never replacing). It reports whether it
// gave one back.
func giveBackStartLogs(dir string, res logfile.RotateResult) bool {
	if res.Generation == 0 || !limaadapter.HostAgentAlive(dir) {
		return false
	}
	gave := false
	for _, name := range limaadapter.StartLogs {
		base, _ := logfile.ActiveBase(name)
		gen := filepath.Join(dir, logfile.GenerationName{Base: base, N: res.Generation}.String())
		if slices.Contains(res.Renamed, name) && logfile.RenameRegular(gen, filepath.Join(dir, name)) == nil {
			gave = true
		}
	}
	return gave
}
