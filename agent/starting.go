// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"os"
	"path/filepath"
	"time"

	"limactl-logkeep/limaadapter"
)

// provisionalStartInProgress stands in for limaadapter.StartInProgress until it lands: a limactl
// start has begun and its host agent is not up yet: ha.stdout.log exists, is empty, was modified
// within the last few seconds, and no live ha.pid.
func provisionalStartInProgress(dir string, now time.Time) bool {
	fi, err := os.Lstat(filepath.Join(dir, limaadapter.StartSignalLog))
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		return false
	}
	if age := now.Sub(fi.ModTime()); age > 10*time.Second || age < -time.Second {
		return false
	}
	return !limaadapter.HostAgentAlive(dir)
}
