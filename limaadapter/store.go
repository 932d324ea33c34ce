package limaadapter

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lima-vm/lima/pkg/identifiers"
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

// ValidateName reports whether name is a valid Lima instance name, with the rules
// of Lima's store.ValidateInstName: Lima's identifiers.Validate (letters and
// digits separated by single '.', '_' or '-', at most 76 characters) and no
// .yaml/.yml suffix. It is that function's body, kept here so that the binary
// does not link pkg/store (see the package comment); a test checks that both
// agree.
func ValidateName(name string) error {
	if err := identifiers.Validate(name); err != nil {
		return fmt.Errorf("invalid instance name: instance name %q is not a valid identifier: %w", name, err)
	}
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml") {
		return fmt.Errorf("invalid instance name: instance name %q must not end with .yml or .yaml suffix", name)
	}
	return nil
}

// InstanceDir returns the directory of the instance name, $LIMA_HOME/NAME as
// Lima's store.InstanceDir gives it, after validating the name. It does not check
// that the instance exists.
func InstanceDir(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	home, err := Home()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, name), nil
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
