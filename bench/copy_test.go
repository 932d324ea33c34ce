// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"os"
	"os/exec"
)

// copyTree copies the directory src to the new path dst with cp -a (the harness's only way of
// making a fresh layout; its cost is never timed).
func copyTree(src, dst string) error {
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return &os.PathError{Op: "cp -a " + src, Path: dst, Err: errorString(out)}
	}
	return nil
}

type errorString []byte

func (e errorString) Error() string { return string(e) }
