// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"

	"limactl-logkeep/logfile"
)

// StartSignalLog is the log whose removal is the first sign that an instance is booting: Lima's
// start (limactl start, restart, shell --start, ... and an embedder's instance.StartWithPaths)
// removes ha.stdout.log, then ha.stderr.log, creates both again (StartLogs) and only then
// launches the host agent, which launches the driver (v1.2.1 and v2.2.0).
const StartSignalLog = filenames.HostAgentStdoutLog

// RecreatedAtStart reports whether Lima's start itself removes and creates the log name again
// before the host agent runs (StartLogs: ha.stdout.log, ha.stderr.log). `limactl start` then waits
// for the new files by name, so a new one must never be renamed while the start is in progress.
// Every other log of LogNames is removed, truncated or appended to later, by the new boot's
// driver or service manager, so it must be moved aside before that to keep the last boot's.
func RecreatedAtStart(name string) bool {
	return slices.Contains(StartLogs, name)
}

// IsInstanceEntry reports whether the entry name of type typ in a Lima home is an instance
// directory, as Lima's store lists them: a real directory (not a symbolic link) whose name does
// not start with "." or "_" (_config, _networks, _logkeep, ...) and is a valid instance name.
func IsInstanceEntry(name string, typ fs.FileMode) bool {
	return typ.IsDir() && typ&fs.ModeSymlink == 0 && !strings.HasPrefix(name, ".") &&
		!strings.HasPrefix(name, "_") && ValidateName(name) == nil
}

// LogsDirOf returns the default logs directory of the Lima home home: home/_logkeep, as
// DefaultLogsDir is for the resolved LIMA_HOME.
func LogsDirOf(home string) string {
	return filepath.Join(home, "_logkeep")
}

// IsLogOrConfig reports whether the file name in an instance directory is one that
// limactl-logkeep keeps: a log ("*.log", a generation "*.N.log" or "*.N.log.gz") or the
// instance's configuration (ConfigFile), which is copied next to preserved logs.
func IsLogOrConfig(name string) bool {
	return name == ConfigFile || (logfile.IsLogName(name) && !strings.HasPrefix(name, "."))
}

// InPlaceLogs returns the logs of LogNames that are not RecreatedAtStart, in LogNames' order.
func InPlaceLogs() []string {
	return slices.DeleteFunc(slices.Clone(LogNames), RecreatedAtStart)
}
