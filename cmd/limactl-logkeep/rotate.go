// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"
)

func rotateCommand() *cli.Command {
	return &cli.Command{
		Name:      "rotate",
		Usage:     "rotate the logs of stopped instances now",
		ArgsUsage: "INSTANCE...",
		Description: `Renames each active log to <name>.<N>.log, N one above the highest generation in the
instance directory, and prunes generations beyond --max-backups unless keeping logs.
A running instance is refused.

Example:
   limactl logkeep rotate myvm`,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.Exit("rotate: name at least one instance (see --help)", 2)
			}
			h, err := newHooks(c, false)
			if err != nil {
				return err
			}
			return exitWith(0, h.Rotate(c.Context, c.Args().Slice()))
		},
	}
}
