// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/limaadapter"
)

// historyCommands are boots, logs, preserved, collect and prune.
func historyCommands() []*cli.Command {
	return []*cli.Command{bootsCommand(), logsCommand(), preservedCommand(), collectCommand(), pruneCommand()}
}

// newStore describes where logs are kept, from the global flags and environment.
// Like the lifecycle commands, it first checks --log-level, so a bad one fails
// before anything is read.
func newStore(c *cli.Context) (history.Store, error) {
	if _, err := newLogger(c); err != nil {
		return history.Store{}, err
	}
	logsDir := c.String("logs-dir")
	if logsDir == "" {
		var err error
		if logsDir, err = limaadapter.DefaultLogsDir(); err != nil {
			return history.Store{}, err
		}
	}
	log, _ := newLogger(c)
	return history.Store{
		LogsDir:        logsDir,
		LogNames:       limaadapter.LogNames,
		ConfigFile:     limaadapter.ConfigFile,
		InstanceDir:    limaadapter.InstanceDir,
		ValidNames:     limaadapter.ValidateNames,
		Instances:      limaadapter.InstanceNames,
		ReadOutcome:    outcomeReader(func(err error) { log.Warn(err) }),
		BootInProgress: limaadapter.BootInProgress,
		Consoles:       consoleBases,
		AgentLog:       limaadapter.HostAgentLog,
	}, nil
}

// outcomeReader returns history.Store.ReadOutcome: limaadapter reads the boot's host agent
// logs, and warn is told of a log that could not be read (its outcome is then what was read).
func outcomeReader(warn func(error)) func(files []history.File, inProgress bool) history.Outcome {
	return func(files []history.File, inProgress bool) history.Outcome {
		var events, stderr string
		for _, f := range files { // a plain file comes before its ".gz" form: the first wins
			switch {
			case f.Log == limaadapter.HostAgentEventsLog && events == "":
				events = f.Path
			case f.Log == limaadapter.HostAgentLog && stderr == "":
				stderr = f.Path
			}
		}
		o := limaadapter.ReadBootOutcome(events, stderr, inProgress)
		if o.ReadError != nil {
			warn(fmt.Errorf("cannot read all of a boot's host agent logs (outcome %s): %w", o.Result, o.ReadError))
		}
		return history.Outcome{
			Result:        o.Result,
			Trouble:       o.Result == limaadapter.OutcomeFailed || o.Result == limaadapter.OutcomeDegraded,
			Errors:        o.Errors,
			ErrorsFrom:    o.ErrorsFrom,
			Started:       o.Started,
			Running:       o.Running,
			Ended:         o.Ended,
			EndedBy:       o.EndedBy,
			SSHLocalPorts: o.SSHLocalPorts,
		}
	}
}

// consoleBases returns the short names of the console logs of the instance in dir, the
// likeliest first (limaadapter.ConsoleLogs).
func consoleBases(dir string) []string {
	consoles := limaadapter.ConsoleLogs(dir)
	for i, f := range consoles {
		consoles[i] = limaadapter.LogBase(f)
	}
	return consoles
}
