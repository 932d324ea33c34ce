package limaadapter

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

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
// of Lima's store.ValidateInstName: an identifier (see validIdentifier) without a
// .yaml/.yml suffix. The rules are written out here so that the binary links
// neither pkg/store nor the regular expression pkg/identifiers compiles at start
// (see the package comment); a fuzz test checks that both agree.
func ValidateName(name string) error {
	if err := validIdentifier(name); err != nil {
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

// maxIdentifierLength is identifiers.maxLength in Lima v1.2.1.
const maxIdentifierLength = 76

// validIdentifier is Lima's identifiers.Validate: a non-empty string of at most 76
// bytes made of ASCII letters and digits, in runs separated by single '.', '_' or
// '-' (the regular expression ^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$).
func validIdentifier(s string) error {
	switch {
	case s == "":
		return errors.New("identifier must not be empty")
	case len(s) > maxIdentifierLength:
		return fmt.Errorf("identifier %q greater than maximum length (%d characters)", s, maxIdentifierLength)
	}
	afterSeparator := true // the first character must be a letter or digit
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			afterSeparator = false
		case (c == '.' || c == '_' || c == '-') && !afterSeparator:
			afterSeparator = true
		default:
			return fmt.Errorf("identifier %q must be ASCII letters and digits separated by single '.', '_' or '-'", s)
		}
	}
	if afterSeparator {
		return fmt.Errorf("identifier %q must not end with '.', '_' or '-'", s)
	}
	return nil
}
