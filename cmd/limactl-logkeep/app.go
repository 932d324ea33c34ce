// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

const (
	envLogsDir    = "LIMA_LOGKEEP_DIR"
	envMaxBackups = "LIMA_LOGKEEP_MAX_BACKUPS"
	envKeepLogs   = "RDD_KEEP_LOGS"
	envStrict     = "LIMA_LOGKEEP_STRICT"
	envCompress   = "LIMA_LOGKEEP_COMPRESS"
)

func newApp() *cli.App {
	return &cli.App{
		Name:    "limactl-logkeep",
		Usage:   "keep the logs of Lima instances that Lima deletes at every start and on delete",
		Version: buildVersion(),
		UsageText: `limactl logkeep [global options] command [arguments...]     (Lima >= 2 plugin)
limactl logkeep [global options] -- LIMACTL-COMMAND [arguments...]
limactl-logkeep [global options] command [arguments...]
limactl-logkeep [global options] -- LIMACTL-COMMAND [arguments...]`,
		Description: `Lima removes an instance's serial console and host agent logs at every start, and
limactl delete / factory-reset remove them for good. limactl-logkeep rotates them into
numbered per-boot generations (serial.1.log, serial.2.log, ...) before limactl starts the
instance, and preserves them outside the instance when it is deleted with RDD_KEEP_LOGS
or --keep-logs. Lima itself always does the real work: arguments, prompts, output and
exit status are limactl's.

Every command that can boot an existing instance is guarded: start, restart, shell,
edit, clone and rename (the last four when they boot: --start, or Lima's "start now?"
prompt). Run as 'limactl' (make install links it as <prefix>/libexec/limactl-logkeep/limactl:
put that directory first on PATH), every limactl command goes through 'limactl-logkeep wrap'. Through the plugin, 'limactl logkeep -- COMMAND ARGS' runs any
limactl command line the same way (the same as 'limactl logkeep wrap COMMAND ARGS'):
'limactl logkeep -- shell --start myvm', 'limactl logkeep -- edit --start --cpus 4 myvm'.`,
		Flags:                globalFlags(),
		Commands:             withUsageErrors(commands()),
		OnUsageError:         onUsageError,
		Before:               checkGlobalFlags,
		EnableBashCompletion: true,
		// A --lima-home path may hold commas: each repeated flag is one value.
		DisableSliceFlagSeparator: true,
		HideHelpCommand:           true,
		Suggest:                   true,
		ExitErrHandler:            func(*cli.Context, error) {}, // main prints and exits
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "log-level", Usage: "logging level: trace, debug, info, warn, error"},
		&cli.BoolFlag{Name: "debug", Usage: "debug mode"},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "logging format: text, json"},
		&cli.StringFlag{Name: "limactl", Usage: "the real limactl (default: $LIMACTL, else limactl on PATH; shims skipped)"},
		&cli.StringFlag{Name: "logs-dir", EnvVars: []string{envLogsDir}, Usage: "where preserved logs go (default: $LIMA_HOME/_logkeep)"},
		&cli.IntFlag{Name: "max-backups", EnvVars: []string{envMaxBackups}, Value: 5, Usage: "generations of logs kept per instance"},
		&cli.BoolFlag{Name: "keep-logs", Usage: "keep everything: rotation prunes nothing, delete and factory-reset preserve the logs (also on when $RDD_KEEP_LOGS is non-empty)"},
		&cli.BoolFlag{Name: "compress", EnvVars: []string{envCompress}, Usage: "gzip generations older than the newest at rotation"},
	}
}

func checkGlobalFlags(c *cli.Context) error {
	if n := c.Int("max-backups"); n < 1 {
		return cli.Exit(fmt.Sprintf("--max-backups (or $%s) must be at least 1, not %d; use --keep-logs to keep every generation", envMaxBackups, n), 2)
	}
	if f := c.String("log-format"); f != "text" && f != "json" {
		return cli.Exit(fmt.Sprintf("--log-format must be text or json, not %q", f), 2)
	}
	return nil
}
