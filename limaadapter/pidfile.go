package limaadapter

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/lima-vm/lima/pkg/store/filenames"
)

// HostAgentAlive reports whether the host agent of the instance in dir is a live
// process, read from its ha.pid alone: the instance then runs (or is starting or
// stopping), its logs are in use, and `limactl start` refuses to boot it while
// ha.pid exists. It is a fast check that needs neither Lima's store nor the
// instance's configuration; a missing, unreadable or stale pid file reports false
// and is left as it is.
func HostAgentAlive(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, filenames.HostAgentPID))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
