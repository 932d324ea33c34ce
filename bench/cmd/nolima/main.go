// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command nolima measures the start-up limactl-logkeep would have without Lima's packages: it links
// what the CLI links besides Lima (urfave/cli, logrus, logfile) and nothing of Lima.
//
//	nolima --version        prints a version, like limactl-logkeep --version
//	nolima wrap PROG ARG... execs PROG ARG..., like limactl-logkeep's pass-through
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"

	_ "limactl-logkeep/logfile"
)

func main() {
	app := &cli.App{Name: "nolima", Version: "bench", Commands: []*cli.Command{{
		Name: "wrap", SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			logrus.New()
			path, err := exec.LookPath(c.Args().First())
			if err != nil {
				return err
			}
			return syscall.Exec(path, c.Args().Slice(), os.Environ())
		},
	}}}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "nolima:", err)
		os.Exit(1)
	}
}
