// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package e2e

import "os/exec"

// ownProcessGroup does nothing where there are no Unix process groups (the
// end-to-end suite runs on Linux; this keeps the package building elsewhere).
func ownProcessGroup(*exec.Cmd) {}

// killGroup kills cmd's process only.
func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
