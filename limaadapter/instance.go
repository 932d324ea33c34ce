// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"
)

// ErrNoInstance means the instance does not exist (its lima.yaml is missing).
// It wraps os.ErrNotExist, and says "instance does not exist" alone.
var ErrNoInstance error = noInstance{}

type noInstance struct{}

func (noInstance) Error() string { return "instance does not exist" }
func (noInstance) Unwrap() error { return os.ErrNotExist }

// InstanceNames returns the names of the instances in LIMA_HOME in name order
// (os.ReadDir's), as limactl lists them (Lima's store.Instances: every directory
// whose name does not start with "." or "_"), keeping only names Lima accepts. A
// missing LIMA_HOME gives no names and no error.
func InstanceNames() ([]string, error) {
	home, err := Home()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(home)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("cannot list the instances in LIMA_HOME: %w", err)
	}
	var names []string
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_") && ValidateName(name) == nil {
			names = append(names, name)
		}
	}
	return names, nil
}

// Lima's words for the two states limactl-logkeep acts on (store.StatusRunning
// and store.StatusStopped); `limactl list` may also say "Broken" or others.
const (
	StatusRunning = "Running"
	StatusStopped = "Stopped"
)

// Instance is what limactl-logkeep needs to know of a Lima instance.
type Instance struct {
	Name      string
	Dir       string
	Status    string // Lima's word: "Running", "Stopped", "Broken", ...
	Protected bool   // `limactl protect` was run
}

// Stopped reports whether no process of the instance is alive, the only state in
// which its logs may be renamed or moved.
func (i Instance) Stopped() bool { return i.Status == StatusStopped }

// Running reports whether Lima considers the instance running.
func (i Instance) Running() bool { return i.Status == StatusRunning }

// Inspector tells whether an instance exists, runs or is protected from the files
// Lima's store reads for it (lima.yaml, protected and the pid files), and asks the
// real limactl with `limactl list --json NAME` whenever those files leave the
// answer in doubt.
type Inspector struct {
	Limactl Limactl
	// FindLimactl, when set and Limactl.Path is empty, gives limactl's path each
	// time limactl must be asked, so that commands that seldom need it do not
	// look for it on every run; the caller makes it remember its answer.
	FindLimactl func() (string, error)
}

// Inspect returns the instance name. It returns an error wrapping ErrNoInstance
// when the instance does not exist, and an error for an invalid name before any
// file is read.
//
// The status follows Lima's store.Inspect on Unix without loading the
// configuration: "Stopped" when no pid file of the instance names a live process,
// "Running" when the host agent (ha.pid) and a driver (<vmType>.pid) are alive.
// Anything else — a pid file that cannot be read or parsed, or only one of the two
// processes alive (starting, stopping, Broken) — is Lima's own answer from
// `limactl list --json NAME`; without a limactl that is an error. Unlike Lima's
// store, Inspect never removes a stale pid file.
//
// While a `limactl start` of the instance is in progress (StartInProgress: its
// fresh logs are there, its host agent not yet), Inspect waits, at most
// StartWindow, until the host agent is up, and then reports "Running", or until
// the window has passed, and then reports what the files say. So no caller ever
// takes a booting instance for a stopped one.
func (in Inspector) Inspect(ctx context.Context, name string) (Instance, error) {
	dir, err := InstanceDir(name)
	if err != nil {
		return Instance{}, err
	}
	inst := Instance{Name: name, Dir: dir}
	config := filepath.Join(dir, filenames.LimaYAML)
	if _, err := os.Stat(config); errors.Is(err, os.ErrNotExist) {
		return inst, fmt.Errorf("instance %q (%s): %w", name, dir, ErrNoInstance)
	} else if err != nil {
		return inst, fmt.Errorf("cannot inspect instance %q: %w", name, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, filenames.Protected)); err == nil {
		inst.Protected = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return inst, fmt.Errorf("cannot tell whether instance %q is protected: %w", name, err)
	}
	if up, err := waitStarted(ctx, dir); err != nil {
		return inst, fmt.Errorf("cannot tell whether instance %q is running: %w", name, err)
	} else if up {
		inst.Status = StatusRunning // its start goes on; its logs are in use
		return inst, nil
	}
	status, doubt := statusFromPIDFiles(dir)
	if doubt == nil {
		inst.Status = status
		return inst, nil
	}
	status, err = in.listStatus(ctx, name)
	if err != nil {
		return inst, fmt.Errorf("cannot tell whether instance %q is running (%v): %w", name, doubt, err)
	}
	inst.Status = status
	return inst, nil
}

// listStatus asks the real limactl for the status of one instance.
func (in Inspector) listStatus(ctx context.Context, name string) (string, error) {
	if in.Limactl.Path == "" && in.FindLimactl != nil {
		path, err := in.FindLimactl()
		if err != nil {
			return "", err
		}
		in.Limactl.Path = path
	}
	if in.Limactl.Path == "" {
		return "", ErrLimactlNotFound
	}
	out, err := in.Limactl.Output(ctx, "list", "--json", name)
	if err != nil {
		return "", err
	}
	var entry struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		if err := dec.Decode(&entry); err != nil {
			return "", fmt.Errorf("cannot parse `limactl list --json %s`: %w", name, err)
		}
		if entry.Name == name {
			return entry.Status, nil
		}
	}
	return "", fmt.Errorf("`limactl list --json %s` did not list it: %w", name, ErrNoInstance)
}
