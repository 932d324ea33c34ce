// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sirupsen/logrus"

	"limactl-logkeep/limaadapter"
)

// ErrUnsupported means the agent does not run on this platform (Windows: Lima's WSL2 instances
// keep no pid files and hard links there are not what the agent relies on).
var ErrUnsupported = errors.New("the agent is not supported on " + runtime.GOOS + "; use the limactl-logkeep wrapper or plugin there")

// Config is what the agent watches and keeps. Homes must hold at least one directory; the rest
// are the options the hooks share (--max-backups, --keep-logs, --compress, --logs-dir).
type Config struct {
	// Homes are the Lima homes watched (LIMA_HOME of each tool: ~/.lima, Colima's, Rancher
	// Desktop's, Finch's). Each must exist and be a directory; relative paths and symbolic links
	// are resolved.
	Homes []string
	// LogsDir is where preserved sets go and where the agent keeps its store (LogsDir/.agent). Empty:
	// <home>/_logkeep for each home. It may be set only with one home, and must be on the home's
	// filesystem (the store holds hard links).
	LogsDir    string
	MaxBackups int  // generations kept per instance, >= 1 unless KeepLogs
	KeepLogs   bool // prune nothing; preserve a removed instance's logs
	Compress   bool // gzip generations older than the newest
	Log        logrus.FieldLogger
	// CatchUpDelay is how long the agent waits, after it starts watching an instance, before it
	// links into the instance directory the generation of a boot that happened while it was not
	// running (so as never to add files to a directory being deleted). Zero: 300 ms.
	CatchUpDelay time.Duration
	// Ready, when set, is called once every home is watched and every instance caught up.
	Ready func()
}

// Home is one validated Lima home: its directory, logs directory and the agent's store in it.
type Home struct {
	Dir     string
	LogsDir string
	Store   string // LogsDir/.agent
}

// Check validates cfg without changing anything and returns the homes it names. Every error is
// one line naming the path and what to do.
func Check(cfg Config) ([]Home, error) {
	if runtime.GOOS == "windows" {
		return nil, ErrUnsupported
	}
	if len(cfg.Homes) == 0 {
		return nil, errors.New("no Lima home to watch: give --lima-home DIR")
	}
	if cfg.LogsDir != "" && len(cfg.Homes) > 1 {
		return nil, fmt.Errorf("--logs-dir %s names one logs directory, but %d Lima homes are watched: drop --logs-dir (each home then keeps its logs in HOME/_logkeep) or run one agent per home", cfg.LogsDir, len(cfg.Homes))
	}
	if !cfg.KeepLogs && cfg.MaxBackups < 1 {
		return nil, fmt.Errorf("--max-backups must be at least 1, not %d", cfg.MaxBackups)
	}
	var homes []Home
	for _, dir := range cfg.Homes {
		h, err := checkHome(dir, cfg.LogsDir)
		if err != nil {
			return nil, err
		}
		for _, other := range homes {
			if other.Dir == h.Dir {
				return nil, fmt.Errorf("Lima home %s is given twice: give each --lima-home once", h.Dir)
			}
		}
		homes = append(homes, h)
	}
	return homes, nil
}

// checkHome resolves and checks one Lima home and its logs directory.
func checkHome(dir, logsDir string) (Home, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Home{}, fmt.Errorf("Lima home %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Home{}, fmt.Errorf("Lima home %s does not exist: create it (limactl does on its first instance) or give the right --lima-home", abs)
	case err != nil:
		return Home{}, fmt.Errorf("cannot read Lima home %s: %w", abs, err)
	case !fi.IsDir():
		return Home{}, fmt.Errorf("Lima home %s is not a directory: give the directory that holds the instances as --lima-home", abs)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil { // as Lima's dirnames.LimaDir
		return Home{}, fmt.Errorf("cannot resolve Lima home %s: %w", dir, err)
	}
	h := Home{Dir: abs, LogsDir: limaadapter.LogsDirOf(abs)}
	if logsDir != "" {
		if h.LogsDir, err = filepath.Abs(logsDir); err != nil {
			return Home{}, fmt.Errorf("logs directory %s: %w", logsDir, err)
		}
	}
	h.Store = StoreDir(h.LogsDir)
	if err := checkSameFilesystem(h.Dir, h.LogsDir); err != nil {
		return Home{}, err
	}
	return h, nil
}

// checkSameFilesystem checks that logsDir (or, while it does not exist, its nearest existing
// parent) is a directory on the filesystem of home, where hard links to the instances' logs can be
// made.
func checkSameFilesystem(home, logsDir string) error {
	existing := logsDir
	for {
		fi, err := os.Stat(existing)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("logs directory %s: %s is not a directory: move it away or give another --logs-dir", logsDir, existing)
			}
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot read logs directory %s: %w", logsDir, err)
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return fmt.Errorf("logs directory %s: no parent directory exists", logsDir)
		}
		existing = parent
	}
	same, err := sameFilesystem(home, existing)
	if err != nil {
		return fmt.Errorf("cannot compare the filesystems of %s and %s: %w", home, existing, err)
	}
	if !same {
		return fmt.Errorf("logs directory %s is on another filesystem than Lima home %s: the agent keeps hard links there; give a --logs-dir on the home's filesystem", logsDir, home)
	}
	return nil
}
