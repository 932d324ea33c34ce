// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
)

func preservedCommand() *cli.Command {
	return &cli.Command{
		Name:      "preserved",
		Usage:     "list the preserved sets of logs (deleted or reset instances)",
		ArgsUsage: "[INSTANCE...]",
		Description: `Lists the sets 'delete' and 'factory-reset' kept with --keep-logs or RDD_KEEP_LOGS,
in <logs-dir>/<instance>/<UTC time>: instance, when it was preserved, number of files,
total size and path. Without INSTANCE, every instance's sets.

JSON (--json): an array, by instance then time, of objects with the fields
   instance  string
   name      string: the set's directory name, <UTC YYYYMMDDTHHMMSSZ>[.K]
   time      string: when it was preserved, RFC 3339 in UTC
   path      string: the set's directory
   size      number: bytes on disk
   files     array of {name, log, path, size, modified, compressed} as in 'boots'
             (log is "" for lima.yaml)

Examples:
   limactl logkeep preserved
   limactl logkeep preserved myvm --json`,
		Flags:        []cli.Flag{jsonFlag()},
		BashComplete: completeInstances(true),
		Action: func(c *cli.Context) error {
			args, ok, err := positionalArgs(c)
			if !ok || err != nil {
				return err
			}
			store, err := newStore(c)
			if err != nil {
				return err
			}
			sets, err := store.Sets(args)
			if err != nil {
				return exitFor(err)
			}
			if c.Bool("json") {
				return printJSON(os.Stdout, sets)
			}
			if len(sets) == 0 {
				fmt.Printf("No preserved logs in %s.\n", store.LogsDir)
				return nil
			}
			return setsTable(os.Stdout, sets)
		},
	}
}

// setsTable writes one row per preserved set.
func setsTable(w io.Writer, sets []history.Set) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTANCE\tPRESERVED\tFILES\tSIZE\tPATH")
	for _, s := range sets {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", s.Instance, s.Time.Local().Format(timeFormat), len(s.Files),
			humanSize(s.Size), s.Path)
	}
	return tw.Flush()
}
