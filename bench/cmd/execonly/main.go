// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command execonly is the least any Go program in front of another costs: it execs its arguments
// at once (execonly PROG ARG... runs PROG ARG..., PROG an absolute path), with nothing but the Go
// runtime's start-up before the exec. limactl-logkeep's pass-through is compared with it.
package main

import (
	"os"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: execonly PROG [ARG...]\n")
		os.Exit(2)
	}
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("execonly: " + err.Error() + "\n")
	os.Exit(1)
}
