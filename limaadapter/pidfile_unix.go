// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package limaadapter

import (
	"errors"
	"syscall"
)

// pidFilesDoubt is nil on Unix, where Lima's own store decides from the pid files.
func pidFilesDoubt() error { return nil }

// processAlive reports whether process pid exists (kill(pid, 0)); a process of
// another user (EPERM) exists.
func processAlive(pid int) (bool, error) {
	switch err := syscall.Kill(pid, 0); {
	case err == nil, errors.Is(err, syscall.EPERM):
		return true, nil
	case errors.Is(err, syscall.ESRCH):
		return false, nil
	default:
		return false, err
	}
}
