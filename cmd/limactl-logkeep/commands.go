// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"
)

// commands are limactl-logkeep's commands in the order its help lists them: the
// lifecycle, start-at-login, rotate, those that read and manage kept logs, then
// completion and gen-docs. Each that takes instance names completes them.
func commands() []*cli.Command {
	cmds := append(lifecycleCommands(), startAtLoginCommand(), agentCommand(), rotateCommand())
	cmds = append(cmds, historyCommands()...)
	completeInstanceArgs(cmds)
	return append(cmds, completionCommand(), docsCommand())
}
