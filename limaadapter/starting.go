// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"
)

// StartWindow is how long after `limactl start` created a fresh ha.stdout.log an
// instance without a live host agent counts as starting. Lima's
// waitHostAgentStart (pkg/instance/start.go, v1.2.1 and v2.2.0) gives the host
// agent 5 s to write ha.pid and fails the start after that; the other 5 s cover
// a machine too loaded to start the host agent process at once.
const StartWindow = 10 * time.Second

// StartLogs are the logs a `limactl start` creates empty before its host agent
// runs (ha.stdout.log, ha.stderr.log): an empty one may be a new boot's, so
// rotation leaves it in place (logfile.RotateOptions.LeaveEmpty).
var StartLogs = []string{filenames.HostAgentStdoutLog, filenames.HostAgentStderrLog}

// startPoll is how often Inspect looks again while an instance is starting: the
// window usually closes within tens of milliseconds (ha.pid appears 7 ms after
// the logs on an idle machine).
const startPoll = 20 * time.Millisecond

// StartInProgress reports whether a `limactl start` of the instance in dir has
// begun and its host agent is not up yet, at time now. That window is the one
// in which the pid files alone make a booting instance look stopped, and in
// which renaming its logs hangs Lima's start for 10 minutes (it waits for
// ha.stdout.log and ha.stderr.log by name).
//
// The evidence, the same in Lima v1.2.1 and v2.2.0 (pkg/instance/start.go and
// cmd/limactl/hostagent.go): a start removes ha.stdout.log and ha.stderr.log,
// creates them empty, launches the host agent with them as its standard output
// and error, and waits up to 5 s for ha.pid, which the host agent writes before
// anything else; the host agent writes its first event to ha.stdout.log only
// after that. A previous boot's ha.stdout.log always holds that first event.
// So the window is: ha.stdout.log is an empty regular file modified less than
// StartWindow before now, and no live process is named by ha.pid.
//
// Outside the window an instance whose host agent never came up (the start
// failed) is stopped again, and its logs may be kept.
func StartInProgress(dir string, now time.Time) bool {
	fi, err := os.Lstat(filepath.Join(dir, filenames.HostAgentStdoutLog))
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		return false
	}
	if age := now.Sub(fi.ModTime()); age >= StartWindow || age < -StartWindow {
		return false
	}
	return !HostAgentAlive(dir)
}

// waitStarted waits, while a start of the instance in dir is in progress
// (StartInProgress), until its host agent is up or the window has passed. It
// reports whether the host agent came up, in which case the instance runs (its
// driver may still be starting) and its logs are in use. It returns ctx's error
// if ctx ends first.
func waitStarted(ctx context.Context, dir string) (hostAgentUp bool, err error) {
	waited := false
	for StartInProgress(dir, time.Now()) {
		waited = true
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(startPoll):
		}
	}
	return waited && HostAgentAlive(dir), nil
}
