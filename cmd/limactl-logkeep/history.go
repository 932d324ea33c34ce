package main

import (
	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/limaadapter"
)

// withHistory returns cmds and more followed by the commands that read and manage
// kept logs, and lets every command that takes instance names complete them.
func withHistory(cmds []*cli.Command, more ...*cli.Command) []*cli.Command {
	all := append(append(cmds, more...), historyCommands()...)
	for _, cmd := range all {
		if cmd.BashComplete == nil && instanceCommands[cmd.Name] {
			cmd.BashComplete = completeInstances(false)
		}
	}
	return append(all, completionCommand(), docsCommand())
}

// instanceCommands take instance names as arguments.
var instanceCommands = map[string]bool{"start": true, "restart": true, "delete": true, "factory-reset": true, "rotate": true}

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
	return history.Store{
		LogsDir:     logsDir,
		LogNames:    limaadapter.LogNames,
		ConfigFile:  limaadapter.ConfigFile,
		InstanceDir: limaadapter.InstanceDir,
		ValidNames:  limaadapter.ValidateNames,
		Instances:   limaadapter.InstanceNames,
	}, nil
}

// jsonFlag is the --json flag of boots and preserved.
func jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print a JSON array (fields below) instead of a table"}
}
