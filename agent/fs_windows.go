// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

// sameFilesystem is never reached on Windows (Check returns ErrUnsupported first).
func sameFilesystem(a, b string) (bool, error) { return false, ErrUnsupported }
