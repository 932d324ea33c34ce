// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"
)

// HostAgentAlive reports whether the host agent of the instance in dir is a live
// process, read from its ha.pid alone: the instance then runs (or is starting or
// stopping), its logs are in use, and `limactl start` refuses to boot it while
// ha.pid exists. A missing, unreadable or stale pid file reports false and is left
// as it is.
func HostAgentAlive(dir string) bool {
	alive, err := pidFileAlive(filepath.Join(dir, filenames.HostAgentPID))
	return err == nil && alive
}

// statusFromPIDFiles tells an instance's status from the pid files in its
// directory dir, as Lima's store does on Unix: ha.pid is the host agent's and every
// other "*.pid" a driver's (Lima writes <vmType>.pid: qemu.pid, vz.pid, ...). It
// returns StatusStopped when none names a live process and StatusRunning when the
// host agent and a driver are alive; otherwise doubt says why the files cannot
// tell.
//
// On Windows it always doubts (pidFilesDoubt): Lima's WSL2 driver writes
// no driver pid file and Lima asks wsl.exe for the status, so a missing pid file
// does not mean stopped there, and the caller asks limactl.
func statusFromPIDFiles(dir string) (status string, doubt error) {
	if doubt := pidFilesDoubt(); doubt != nil {
		return "", doubt
	}
	names, err := pidFileNames(dir)
	if err != nil {
		return "", fmt.Errorf("cannot list the pid files of %s: %w", dir, err)
	}
	var hostAgent, driver bool
	for _, name := range names {
		alive, err := pidFileAlive(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		if name == filenames.HostAgentPID {
			hostAgent = alive
		} else {
			driver = driver || alive
		}
	}
	switch {
	case hostAgent && driver:
		return StatusRunning, nil
	case !hostAgent && !driver:
		return StatusStopped, nil
	case hostAgent:
		return "", fmt.Errorf("its host agent (%s) is alive, no driver process is", filenames.HostAgentPID)
	default:
		return "", fmt.Errorf("a driver process is alive, its host agent (%s) is not", filenames.HostAgentPID)
	}
}

// pidFileNames returns the names in dir ending in ".pid", unsorted. It reads the
// directory's names only (no sorting, no stat), so that an instance with a long
// history of generations costs one linear pass.
func pidFileNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, name := range all {
		if strings.HasSuffix(name, ".pid") {
			names = append(names, name)
		}
	}
	return names, nil
}

// pidFileAlive reports whether the pid file at path names a live process. A
// missing file is not alive; a file that cannot be read or holds no positive pid
// is an error. A process of another user is alive.
func pidFileAlive(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("cannot read pid file: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false, fmt.Errorf("pid file %s holds no process id (%q)", path, b)
	}
	alive, err := processAlive(pid)
	if err != nil {
		return false, fmt.Errorf("cannot tell whether process %d of pid file %s is alive: %w", pid, path, err)
	}
	return alive, nil
}
