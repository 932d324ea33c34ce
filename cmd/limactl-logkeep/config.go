// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"

	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

// keepLogs reports --keep-logs, also on when $RDD_KEEP_LOGS is non-empty.
func keepLogs(c *cli.Context) bool {
	return c.Bool("keep-logs") || envOn(envKeepLogs)
}

// envOn reports whether the switch variable name is set and non-empty: the rule
// of RDD_KEEP_LOGS (Rancher Desktop's) and LIMA_LOGKEEP_STRICT, which urfave/cli
// would reject when set to anything but a boolean word. Every other variable is
// read by urfave/cli as the EnvVars of its flag (see globalFlags).
func envOn(name string) bool { return os.Getenv(name) != "" }

// newLogger returns the logger of limactl-logkeep's own messages, on stderr like
// limactl's.
func newLogger(c *cli.Context) (*logrus.Logger, error) {
	log := logrus.New()
	log.SetOutput(os.Stderr)
	log.SetLevel(logrus.InfoLevel)
	if l := c.String("log-level"); l != "" {
		level, err := logrus.ParseLevel(l)
		if err != nil {
			return nil, cli.Exit(fmt.Sprintf("--log-level: %v", err), 2)
		}
		log.SetLevel(level)
	}
	if c.Bool("debug") {
		log.SetLevel(logrus.DebugLevel)
	}
	if c.String("log-format") == "json" {
		log.SetFormatter(new(logrus.JSONFormatter))
	}
	return log, nil
}

// newHooks configures the lifecycle from the global flags and environment.
// forLifecycle is true for commands that run limactl (start, restart, delete,
// factory-reset, wrap): limactl must then be found before anything is touched,
// and the logs directory is resolved. Otherwise (rotate) limactl is looked for
// only if a status must be asked of it.
func newHooks(c *cli.Context, forLifecycle bool) (hooks.Hooks, error) {
	log, err := newLogger(c)
	if err != nil {
		return hooks.Hooks{}, err
	}
	find := lazyLimactl(c)
	stdout, stdin := terminals()
	h := hooks.Hooks{
		StdoutTTY:  stdout,
		StdinTTY:   stdin,
		Lima:       limaadapter.Client{Inspector: limaadapter.Inspector{FindLimactl: find}},
		Log:        log,
		MaxBackups: c.Int("max-backups"),
		KeepLogs:   keepLogs(c),
		Strict:     envOn(envStrict),
		Compress:   c.Bool("compress"),
	}
	if !forLifecycle {
		return h, nil
	}
	path, err := find()
	if err != nil {
		return hooks.Hooks{}, err
	}
	h.Lima = limaadapter.Client{Inspector: limaadapter.Inspector{Limactl: limaadapter.Limactl{Path: path}}}
	if h.LogsDir = c.String("logs-dir"); h.LogsDir == "" {
		if h.LogsDir, err = limaadapter.DefaultLogsDir(); err != nil {
			return hooks.Hooks{}, err
		}
	}
	return h, nil
}

// findLimactl finds the real limactl as --limactl and the environment say
// (limaadapter.FindLimactl).
func findLimactl(c *cli.Context) (string, error) {
	return limaadapter.FindLimactl(c.String("limactl"), os.Getenv)
}

// lazyLimactl is findLimactl run at most once, when first called: an
// Inspector's FindLimactl, for commands that seldom need to ask limactl.
func lazyLimactl(c *cli.Context) func() (string, error) {
	return sync.OnceValues(func() (string, error) { return findLimactl(c) })
}
