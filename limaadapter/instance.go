package limaadapter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lima-vm/lima/pkg/store"
	"github.com/lima-vm/lima/pkg/store/filenames"
)

// ErrNoInstance means the instance does not exist (its lima.yaml is missing).
// It wraps os.ErrNotExist.
var ErrNoInstance = fmt.Errorf("instance does not exist: %w", os.ErrNotExist)

// Instance is what limactl-logkeep needs to know of a Lima instance.
type Instance struct {
	Name      string
	Dir       string
	Status    string // Lima's word: "Running", "Stopped", "Broken", ...
	Protected bool   // `limactl protect` was run
}

// Stopped reports whether no process of the instance is alive, the only state in
// which its logs may be renamed or moved.
func (i Instance) Stopped() bool { return i.Status == store.StatusStopped }

// Running reports whether Lima considers the instance running.
func (i Instance) Running() bool { return i.Status == store.StatusRunning }

// Inspector reads instances through Lima's pkg/store and, when the store cannot
// tell (an instance written by a newer Lima, with a configuration Lima v1.2.1 does
// not accept), asks the real limactl with `limactl list --json NAME`.
type Inspector struct {
	Limactl Limactl
}

// Inspect returns the instance name. It returns an error wrapping ErrNoInstance
// when the instance does not exist, and an error for an invalid name before any
// file is read.
func (in Inspector) Inspect(ctx context.Context, name string) (Instance, error) {
	dir, err := InstanceDir(name)
	if err != nil {
		return Instance{}, err
	}
	inst := Instance{Name: name, Dir: dir}
	if _, err := os.Lstat(filepath.Join(dir, filenames.Protected)); err == nil {
		inst.Protected = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return inst, fmt.Errorf("cannot tell whether instance %q is protected: %w", name, err)
	}
	st, err := store.Inspect(name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return inst, fmt.Errorf("instance %q (%s): %w", name, dir, ErrNoInstance)
	case err != nil:
		return inst, fmt.Errorf("cannot inspect instance %q: %w", name, err)
	}
	inst.Status = st.Status
	if st.Config != nil && (st.Status == store.StatusRunning || st.Status == store.StatusStopped) {
		return inst, nil
	}
	// The store could not read the configuration or the state is unclear: ask limactl.
	status, lerr := in.listStatus(ctx, name)
	if lerr != nil {
		return inst, fmt.Errorf("cannot tell whether instance %q is running (Lima's store says %q): %w", name, st.Status, lerr)
	}
	inst.Status = status
	return inst, nil
}

// listStatus asks the real limactl for the status of one instance.
func (in Inspector) listStatus(ctx context.Context, name string) (string, error) {
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
