package limaadapter

import (
	"fmt"
	"path/filepath"

	"github.com/lima-vm/lima/pkg/store"
	"github.com/lima-vm/lima/pkg/store/dirnames"
	"github.com/lima-vm/lima/pkg/store/filenames"
)

// LogNames are the file names of the logs Lima truncates or removes when an
// instance starts: the serial consoles, the host agent's streams and, from Lima 2
// on, the external driver's stderr. Their order is the order of output.
var LogNames = []string{
	filenames.SerialLog,
	filenames.SerialPCILog,
	filenames.SerialVirtioLog,
	filenames.HostAgentStdoutLog,
	filenames.HostAgentStderrLog,
	"driver.stderr.log", // Lima 2 (pkg/driver/external); not known to Lima v1.2.1
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

// ValidateName reports whether name is a valid Lima instance name, with Lima's own
// rules (store.ValidateInstName): it rejects empty names, path separators, "..",
// names longer than 76 characters, control characters and a .yaml/.yml suffix.
func ValidateName(name string) error {
	if err := store.ValidateInstName(name); err != nil {
		return fmt.Errorf("invalid instance name: %w", err)
	}
	return nil
}

// InstanceDir returns the directory of the instance name, after validating the
// name. It does not check that the instance exists.
func InstanceDir(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	dir, err := store.InstanceDir(name)
	if err != nil {
		return "", fmt.Errorf("cannot resolve the directory of instance %q: %w", name, err)
	}
	return filepath.Clean(dir), nil
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
