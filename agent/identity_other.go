// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux && !darwin

package agent

import (
	"os"
	"time"
)

// dirIdentity names the directory at path by its modification time only where the platform
// offers nothing better (the agent does not run there: see ErrUnsupported).
func dirIdentity(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	return fi.ModTime().String(), nil
}

// birthTime is not known on this platform.
func birthTime(string) (time.Time, bool) { return time.Time{}, false }
