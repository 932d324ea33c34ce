// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
)

func bootsCommand() *cli.Command {
	return &cli.Command{
		Name:      "boots",
		Usage:     "list the boots whose logs an instance keeps, oldest first, and how each went",
		ArgsUsage: "INSTANCE",
		Description: `One row per boot, like 'journalctl --list-boots': its index (0 is the newest boot
recorded, the current one while the active logs exist; -1 the one before, ...), its
generation N (the N of <name>.<N>.log; "current" for the active logs), its outcome, the
time it took to reach Lima's running state, the first and last modification time of its
files, and each file with its size. A boot's errors follow its row, shortened. Compressed
generations (.log.gz, see --compress) are listed as they are and read transparently.

The outcome is read from the boot's host agent events (ha.stdout.log), as 'limactl start'
reads them (Lima 2 and 1.2.1 alike):
   ready      reached running, without errors
   degraded   reached running with errors (a requirement failed)
   failed     never reached running: the host agent said exiting first, or its
              events stop while no boot is in progress
   running    the current boot of an instance whose host agent is up, after its
              running event (booting: before it)
   unknown    no events to read
Errors are those of Lima's events; where they carry none (QEMU died during the boot) the
host agent's last warning and error lines of that boot's ha.stderr.log. 'logs INSTANCE -b
failed' prints the newest failed boot's console.

JSON (--json): an array, oldest first, of objects with the fields (lowerCamelCase, as
'limactl list --json')
   index             number: 0, -1, -2, ...
   generation        number N, or null for the current (active) logs
   current           boolean: these are the active logs
   firstModified     string: RFC 3339 time in UTC
   lastModified      string: RFC 3339 time in UTC
   size              number: bytes on disk
   outcome           string: ready, degraded, failed, running, booting or unknown
   errors            array of strings (empty when none)
   errorsFrom        string: "events" (Lima's), "ha.stderr" or "" (none)
   startedAt         string: the first event's time, RFC 3339 in UTC; null when none
   runningAt         string: when it reached running; null when it did not
   endedAt           string: the last event's time once the boot ended; null otherwise
   endedBy           string: "exiting" (the host agent said so), "cutOff" (its events
                     stop without it: killed, or the host went down), or ""
   secondsToRunning  number: from startedAt to runningAt; null when it did not run
   files             array of {name, log, path, size, modified, compressed}:
                     name "serial.2.log.gz", log "serial", path, size in bytes on disk,
                     modified (RFC 3339, UTC), compressed (boolean)

Examples:
   limactl logkeep boots myvm
   limactl logkeep boots myvm --json | jq '.[] | select(.outcome == "failed") | {index, errors}'
   limactl logkeep boots myvm --json | jq '.[] | select(.index == -1) | .files[].path'`,
		Flags:        []cli.Flag{jsonFlag()},
		BashComplete: completeInstances(false),
		Action: func(c *cli.Context) error {
			args, ok, err := positionalArgs(c)
			if !ok || err != nil {
				return err
			}
			if len(args) != 1 {
				return cli.Exit("boots: name one instance (see --help)", 2)
			}
			store, err := newStore(c)
			if err != nil {
				return err
			}
			boots, err := store.Boots(args[0])
			if err == nil {
				err = store.ReadOutcomes(args[0], boots)
			}
			if err != nil {
				return exitFor(err)
			}
			if c.Bool("json") {
				return printJSON(os.Stdout, boots)
			}
			if len(boots) == 0 {
				fmt.Printf("No logs recorded for instance %q yet.\n", args[0])
				return nil
			}
			return bootsTable(os.Stdout, boots)
		},
	}
}

// bootsTable writes one row per boot and, below a boot with errors, a line with them
// shortened, starting under its OUTCOME.
func bootsTable(w io.Writer, boots []history.Boot) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tGENERATION\tOUTCOME\tTO RUNNING\tFIRST\tLAST\tSIZE\tFILES")
	for _, b := range boots {
		gen := "current"
		if !b.Current() {
			gen = fmt.Sprint(b.Generation)
		}
		var files []string
		for _, f := range b.Files {
			files = append(files, fmt.Sprintf("%s (%s)", f.Name, humanSize(f.Size)))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Index, gen, orDash(b.Outcome.Result), toRunning(b.Outcome),
			b.First.Local().Format(timeFormat), b.Last.Local().Format(timeFormat), humanSize(b.Size), strings.Join(files, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	indent := strings.Repeat(" ", strings.Index(lines[0], "OUTCOME"))
	var out strings.Builder
	out.Grow(buf.Len())
	out.WriteString(lines[0])
	for i, b := range boots {
		out.WriteString(lines[i+1])
		if len(b.Outcome.Errors) > 0 {
			out.WriteString(indent + shortErrors(b.Outcome.Errors, errorsWidth) + "\n")
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// errorsWidth is how many characters of a boot's errors the table shows.
const errorsWidth = 120

// toRunning shows the time a boot took to reach running, "-" when it did not.
func toRunning(o history.Outcome) string {
	d, ok := o.ToRunning()
	if !ok {
		return "-"
	}
	return d.Round(100 * time.Millisecond).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortErrors joins errs with "; " in at most about n characters: each error gets an equal
// share (at least 40), so that the last one, often the telling one, is seen too.
func shortErrors(errs []string, n int) string {
	share := max(40, n/len(errs)-2)
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = shorten(e, share)
	}
	return shorten(strings.Join(parts, "; "), n)
}

// shorten cuts s to at most n characters, ending in "..." when cut, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}
