// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package logfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// canCreateIn returns nil when this process may create entries in the directory dir (write and
// search permission, a writable filesystem), as access(2) says; else its error (EACCES wraps
// fs.ErrPermission, EROFS).
func canCreateIn(dir string) error {
	var err error
	for {
		err = unix.Access(dir, unix.W_OK|unix.X_OK)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
