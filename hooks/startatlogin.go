// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// ServiceManager is the service manager that Lima's start-at-login hands boots to.
type ServiceManager string

// The service managers of Lima 2.2's start-at-login.
const (
	Systemd ServiceManager = "systemd" // Linux: the user unit lima-vm@INSTANCE.service
	Launchd ServiceManager = "launchd" // macOS: the agent io.lima-vm.autostart.INSTANCE
)

// ErrNotRegistered means Lima's start-at-login entry of an instance does not exist.
var ErrNotRegistered = errors.New("not registered to start at login")

// ErrNoServiceManager means Lima has no start-at-login on this platform.
var ErrNoServiceManager = errors.New("Lima has no start-at-login on this platform")

// CurrentServiceManager returns the service manager Lima uses on this platform:
// launchd on macOS, systemd elsewhere but on Windows, where Lima has none.
func CurrentServiceManager() (ServiceManager, error) {
	switch runtime.GOOS {
	case "darwin":
		return Launchd, nil
	case "windows":
		return "", ErrNoServiceManager
	}
	return Systemd, nil
}

// ServiceBoots says how the service manager's boots of an instance are kept:
// the program that rotates (limactl-logkeep's absolute path), its settings
// (Hooks.MaxBackups, KeepLogs, Compress) and where Lima's entry is.
type ServiceBoots struct {
	Manager ServiceManager
	Logkeep string              // absolute path of limactl-logkeep
	Getenv  func(string) string // nil: os.Getenv (HOME, XDG_CONFIG_HOME, LIMA_HOME)
}

// StartAtLoginStatus is what ServiceBootsStatus finds.
type StartAtLoginStatus struct {
	Entry      string // Lima's unit file or plist
	Registered bool   // Entry exists
	Kept       string // the drop-in (systemd) or, again, the plist (launchd)
	Present    bool   // the boots go through limactl-logkeep
	Current    bool   // ... with this program and these settings
}

func (s ServiceBoots) getenv(name string) string {
	if s.Getenv == nil {
		return os.Getenv(name)
	}
	return s.Getenv(name)
}

// bootOptions are limactl-logkeep's global options for a boot's rotation: the
// settings that decide what is kept.
func (h Hooks) bootOptions() []string {
	opts := []string{"--max-backups=" + strconv.Itoa(h.MaxBackups)}
	if h.KeepLogs {
		opts = append(opts, "--keep-logs")
	}
	if h.Compress {
		opts = append(opts, "--compress")
	}
	return opts
}

// RotateBeforeBoot is what the service manager runs before each boot of the
// instance name (the drop-in's ExecStartPre, and under systemd's
// Restart=on-failure, before each retry): it rotates the stopped instance's logs,
// which succeeds when there is nothing to rotate. A running or missing instance
// is an error, so the service manager does not boot it, and so is a failure to
// rename a log; a failure after every log was renamed (pruning, compressing) is
// a warning: the logs are safe. Any error but ErrRunning wraps ErrNotStarted.
func (h Hooks) RotateBeforeBoot(ctx context.Context, name string) error {
	err := h.rotateIfStopped(ctx, name)
	switch {
	case errors.Is(err, logfile.ErrHousekeeping):
		h.Log.Warn(err)
		return nil
	case errors.Is(err, ErrRunning):
		return fmt.Errorf("%w, started outside the service manager (Hint: limactl stop %s, then restart the service)", err, name)
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotStarted, err)
	}
	return nil
}

// KeepServiceBoots makes the service manager's boots of the instance name
// rotate its logs first, and returns the file it wrote. Under systemd it writes
// a drop-in for Lima's unit (never the unit itself) whose ExecStartPre runs
// RotateBeforeBoot through `limactl-logkeep start-at-login --before-boot` with
// these settings. The drop-in also sets Environment=LIMA_HOME (this process's
// Lima home) under [Service], so Lima's own ExecStart runs with it too, on
// purpose: Lima's unit sets no LIMA_HOME, so its limactl would otherwise look for
// the instance in the service manager's default home (~/.lima).
// ForgetServiceBoots removes both. Under launchd it rewrites the agent's
// ProgramArguments to start through `limactl-logkeep wrap`. Files are written
// atomically, mode 0644. Lima's entry must exist (ErrNotRegistered): its limactl
// is the one the rotation asks.
func (h Hooks) KeepServiceBoots(name string, s ServiceBoots) (string, error) {
	if !filepath.IsAbs(s.Logkeep) {
		return "", fmt.Errorf("the path of limactl-logkeep must be absolute, not %q", s.Logkeep)
	}
	want, path, err := h.wantedEntry(name, s)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("cannot create the directory of %s: %w", path, err)
	}
	if err := writeAtomic(path, want); err != nil {
		return "", err
	}
	return path, nil
}

// wantedEntry returns the file KeepServiceBoots writes for the instance name,
// and its path.
func (h Hooks) wantedEntry(name string, s ServiceBoots) ([]byte, string, error) {
	if s.Manager == Launchd {
		plist, path, err := readPlist(name, s)
		if err != nil {
			return nil, path, err
		}
		out, err := limaadapter.LaunchdThroughLogkeep(plist, s.Logkeep, h.bootOptions())
		if err != nil {
			return nil, path, fmt.Errorf("%s: %w (Hint: run limactl start-at-login %s to rewrite it)", path, err, name)
		}
		return out, path, nil
	}
	unit, err := limaadapter.SystemdUnitPath(name, s.getenv)
	if err != nil {
		return nil, "", err
	}
	limactl, err := limaadapter.UnitExecStart(unit)
	if errors.Is(err, os.ErrNotExist) {
		return nil, unit, notRegistered(name, unit)
	} else if err != nil {
		return nil, unit, err
	}
	home, err := limaadapter.Home()
	if err != nil {
		return nil, unit, err
	}
	return limaadapter.SystemdDropIn(name, home, s.Logkeep, limactl, h.bootOptions()), limaadapter.DropInOf(unit), nil
}

// notRegistered is the error for an instance name whose start-at-login entry,
// path, Lima has not written.
func notRegistered(name, path string) error {
	return fmt.Errorf("instance %q: %w (no %s) (Hint: run limactl start-at-login %s first)", name, ErrNotRegistered, path, name)
}

// readPlist reads Lima's launchd agent of the instance name.
func readPlist(name string, s ServiceBoots) ([]byte, string, error) {
	path, err := limaadapter.LaunchdPlistPath(name, s.getenv)
	if err != nil {
		return nil, "", err
	}
	plist, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, path, notRegistered(name, path)
	} else if err != nil {
		return nil, path, fmt.Errorf("cannot read Lima's start-at-login agent: %w", err)
	}
	return plist, path, nil
}

// writeAtomic writes data to path through a temporary file and a rename, mode 0644.
func writeAtomic(path string, data []byte) error {
	f, err := logfile.CreateAtomic(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("cannot write %s: %w", f.Name(), err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("cannot make %s readable: %w", f.Name(), err)
	}
	return f.Commit(true)
}

// ForgetServiceBoots undoes KeepServiceBoots for the instance name: it removes
// the systemd drop-in (and its directory when that is then empty), or gives the
// launchd agent Lima's own ProgramArguments back. It returns the file it changed,
// or "" when there was nothing to undo. Lima's unit is never touched.
func (h Hooks) ForgetServiceBoots(name string, s ServiceBoots) (string, error) {
	if s.Manager == Launchd {
		return forgetPlist(name, s)
	}
	path, err := limaadapter.SystemdDropInPath(name, s.getenv)
	if err != nil {
		return "", err
	}
	if err := os.Remove(path); errors.Is(err, os.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("cannot remove the drop-in of instance %q: %w", name, err)
	}
	_ = os.Remove(filepath.Dir(path)) // only when empty: another drop-in may live there
	return path, nil
}

// forgetPlist gives the launchd agent of the instance name Lima's own
// ProgramArguments back, and returns its path; "" when there is no agent or it
// does not go through limactl-logkeep. Errors name the plist.
func forgetPlist(name string, s ServiceBoots) (string, error) {
	plist, path, err := readPlist(name, s)
	if errors.Is(err, ErrNotRegistered) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if prog, err := limaadapter.ParseLaunchdProgram(plist); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	} else if prog.Logkeep == "" {
		return "", nil
	}
	out, err := limaadapter.LaunchdThroughLogkeep(plist, "", nil)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return path, writeAtomic(path, out)
}

// ServiceBootsStatus reports whether Lima's start-at-login entry of the
// instance name exists and whether its boots go through limactl-logkeep with
// s.Logkeep and h's settings (Current).
func (h Hooks) ServiceBootsStatus(name string, s ServiceBoots) (StartAtLoginStatus, error) {
	var st StartAtLoginStatus
	var err error
	if s.Manager == Launchd {
		st.Entry, err = limaadapter.LaunchdPlistPath(name, s.getenv)
		st.Kept = st.Entry
	} else {
		st.Entry, err = limaadapter.SystemdUnitPath(name, s.getenv)
		st.Kept = limaadapter.DropInOf(st.Entry)
	}
	if err != nil {
		return st, err
	}
	have, err := os.ReadFile(st.Kept)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("cannot read %s: %w", st.Kept, err)
	}
	st.Present = err == nil
	if s.Manager == Launchd && st.Present {
		prog, perr := limaadapter.ParseLaunchdProgram(have)
		st.Present = perr == nil && prog.Logkeep != ""
	}
	if _, err := os.Stat(st.Entry); err == nil {
		st.Registered = true
		want, _, werr := h.wantedEntry(name, s)
		st.Current = st.Present && werr == nil && bytes.Equal(want, have)
	}
	return st, nil
}
