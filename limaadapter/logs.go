// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"

	"limactl-logkeep/logfile"
)

// LogBase returns the short name of an active log file name, without ".log":
// "serial.log" -> "serial", "ha.stderr.log" -> "ha.stderr". Any other name is
// returned unchanged.
func LogBase(name string) string {
	if base, ok := logfile.ActiveBase(name); ok {
		return base
	}
	return name
}

// LogBases returns the short names of Lima's logs, LogNames without ".log":
// serial, serialp, serialv, ha.stdout, ha.stderr, driver.stderr, krunkit,
// launchd.stdout, launchd.stderr.
func LogBases() []string {
	bases := make([]string, len(LogNames))
	for i, name := range LogNames {
		bases[i] = LogBase(name)
	}
	return bases
}

// LogName returns the file name in LogNames of the log whose short name is
// base ("serial" -> "serial.log"); ok is false when Lima writes no such log.
func LogName(base string) (name string, ok bool) {
	for _, name := range LogNames {
		if LogBase(name) == base {
			return name, true
		}
	}
	return "", false
}

// ConsoleLogs returns the file names of an instance's serial console logs, the one
// most likely to hold the guest's console first: serialv.log (virtio console,
// hvc0) for a VZ instance, which Lima marks with a vz-identifier file, else
// serial.log (ttyS0, ttyAMA0 on ARM) as on QEMU; krunkit also writes its
// virtio-serial console to serial.log (Lima v2.2.0's pkg/driver/krunkit). dir is
// the instance directory; it need not exist.
func ConsoleLogs(dir string) []string {
	if _, err := os.Lstat(filepath.Join(dir, filenames.VzIdentifier)); err == nil || !errors.Is(err, os.ErrNotExist) {
		return []string{filenames.SerialVirtioLog, filenames.SerialLog, filenames.SerialPCILog}
	}
	return []string{filenames.SerialLog, filenames.SerialPCILog, filenames.SerialVirtioLog}
}
