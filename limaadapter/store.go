// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"fmt"
	"path/filepath"

	"github.com/lima-vm/lima/v2/pkg/limatype/dirnames"
	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"
)

// Log file names Lima v2.2.0 writes in an instance directory that no light Lima
// package exports as a constant.
const (
	// krunkitLog is the krunkit driver's stderr (pkg/driver/krunkit,
	// krunkit_driver_darwin_arm64.go), opened with O_APPEND at every start.
	krunkitLog = "krunkit.log"
	// launchdStdoutLog and launchdStderrLog are the StandardOutPath and
	// StandardErrorPath of the launchd agent Lima writes for start-at-login on
	// macOS (pkg/autostart/launchd, io.lima-vm.autostart.INSTANCE.plist), relative
	// to its WorkingDirectory, the instance directory; launchd appends to them.
	launchdStdoutLog = "launchd.stdout.log"
	launchdStderrLog = "launchd.stderr.log"
)

// LogNames are the file names of the logs Lima writes in an instance directory:
// first those it removes or truncates when the instance starts (the serial
// consoles, then the host agent's streams), then those it appends to across
// boots (the external driver's stderr, krunkit's, and launchd's streams under
// start-at-login on macOS), so that rotating them before a start gives one
// generation per boot. Lima v1.2.1 writes only the first five. Consoles come
// first: the order is the order of output.
var LogNames = []string{
	filenames.SerialLog,
	filenames.SerialPCILog,
	filenames.SerialVirtioLog,
	filenames.HostAgentStdoutLog,
	filenames.HostAgentStderrLog,
	filenames.ExternalDriverStderrLog,
	krunkitLog,
	launchdStdoutLog,
	launchdStderrLog,
}

// ConfigFile is the instance's configuration, copied next to preserved logs.
const ConfigFile = filenames.LimaYAML

// Home returns LIMA_HOME resolved as limactl resolves it ($LIMA_HOME, else ~/.lima).
func Home() (string, error) {
	dir, err := dirnames.LimaDir()
	if err != nil {
		return "", fmt.Errorf("cannot resolve LIMA_HOME: %w", err)
	}
	return dir, nil
}

// ValidateName reports whether name is a valid Lima instance name, with Lima's
// own rule, dirnames.ValidateInstName (an identifier not ending in .yaml or .yml;
// the same in Lima v1.2.1). The error says what a name may be.
func ValidateName(name string) error {
	if err := dirnames.ValidateInstName(name); err != nil {
		return fmt.Errorf("invalid instance name %q: %w; a name is ASCII letters and digits, in runs joined by single '.', '_' or '-', not ending in .yaml or .yml", name, err)
	}
	return nil
}

// ValidateNames returns ValidateName's error for the first of names Lima would
// reject, or nil when it accepts them all (and for no names).
func ValidateNames(names []string) error {
	for _, name := range names {
		if err := ValidateName(name); err != nil {
			return err
		}
	}
	return nil
}

// InstanceDir returns the directory of the instance name, $LIMA_HOME/NAME as
// Lima's dirnames.InstanceDir gives it (the same layout as Lima v1.2.1), after
// validating the name. It does not check that the instance exists.
func InstanceDir(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	dir, err := dirnames.InstanceDir(name)
	if err != nil {
		return "", fmt.Errorf("cannot resolve the directory of instance %q: %w", name, err)
	}
	return dir, nil
}

// DefaultLogsDir returns where preserved logs go by default: $LIMA_HOME/_logkeep.
// Names starting with "_" are never instances, so Lima leaves it alone.
func DefaultLogsDir() (string, error) {
	home, err := Home()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "_logkeep"), nil
}
