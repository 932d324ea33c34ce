// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux && !amd64

package reliability

import "errors"

// errNoTrace means the driver cannot be traced.
var errNoTrace = errors.New("killing at each system call is implemented for linux/amd64 only")

// killAtSyscall needs ptrace(2) register access, written for linux/amd64 only.
func killAtSyscall(mode string, args driverArgs, k int) (seen int, killed bool, err error) {
	return 0, false, errNoTrace
}
