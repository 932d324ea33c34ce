// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

func logsCommand() *cli.Command {
	return &cli.Command{
		Name:      "logs",
		Usage:     "print one boot's log of an instance, or follow the current one",
		ArgsUsage: "INSTANCE",
		Description: `Prints a log of one boot (see 'boots'): -b 0 is the newest boot (the current one while
it runs), -b -1 the one before, ...; a positive number is a generation N; an outcome
(failed, degraded, ...; see 'boots') is the newest boot that had it. The log is the
serial console that has content (serial on QEMU, serialv on VZ) unless --file names one of
serial, serialp, serialv, ha.stdout, ha.stderr, driver.stderr. Compressed generations
(.log.gz) are printed decompressed.

--follow (-f) prints the current log and then what is appended, like 'tail -F': it goes
on when Lima removes and recreates the log as the instance starts, so it shows the boot
that 'limactl logkeep start' starts in another terminal. It ends on Ctrl-C, or with
--until-stopped once the instance stops (when it is stopped at first, after its next boot);
with or without it, when the instance is deleted or renamed it prints what was written,
says so on stderr and exits with status 1.

Examples:
   limactl logkeep logs myvm                   # this boot's console
   limactl logkeep logs myvm -b -1             # the previous boot's console
   limactl logkeep logs myvm -b failed         # the newest failed boot's console
   limactl logkeep logs myvm -b 3 --file ha.stderr
   limactl logkeep logs myvm -n 50             # the last 50 lines
   limactl logkeep logs myvm -f                # follow, across restarts
   limactl logkeep logs myvm -f --until-stopped`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "boot", Aliases: []string{"b"}, Value: "0", Usage: "the boot: 0, -1, -2, ..., a generation number N, or an outcome: " + strings.Join(limaadapter.Outcomes, ", ")},
			&cli.StringFlag{Name: "file", Usage: "the log: " + strings.Join(limaadapter.LogBases(), ", ") + " (default: the console that has content)"},
			&cli.IntFlag{Name: "lines", Aliases: []string{"n"}, Usage: "print only the last K lines (with --follow: start with them)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing what is appended to the current log, across restarts"},
			&cli.BoolFlag{Name: "until-stopped", Usage: "with --follow: end once the instance stops"},
		},
		BashComplete: completeInstances(false),
		Action:       logsAction,
	}
}

// logsRequest is a logs command line, checked.
type logsRequest struct {
	name   string
	sel    history.BootSelector
	file   string // a short name of one of Lima's logs, or "" for the console
	follow bool
}

func logsAction(c *cli.Context) error {
	req, err := parseLogsArgs(c)
	if err != nil {
		return err
	}
	store, err := newStore(c)
	if err != nil {
		return err
	}
	dir, err := limaadapter.InstanceDir(req.name)
	if err != nil {
		return exitFor(err)
	}
	consoles := limaadapter.ConsoleLogs(dir)
	for i, f := range consoles {
		consoles[i] = limaadapter.LogBase(f)
	}
	boots, err := store.Boots(req.name)
	if err == nil && req.sel.Outcome != "" {
		err = store.ReadOutcomes(req.name, boots)
	}
	if err != nil {
		return exitFor(err)
	}
	if req.follow {
		return followLogs(c, store, req.name, req.file, consoles, boots)
	}
	return printLog(c, req, consoles, boots)
}

// parseLogsArgs checks the instance and the flags of a logs command line.
func parseLogsArgs(c *cli.Context) (logsRequest, error) {
	args, ok, err := positionalArgs(c)
	if !ok || err != nil {
		return logsRequest{}, err
	}
	if len(args) != 1 {
		return logsRequest{}, cli.Exit("logs: name one instance (see --help)", 2)
	}
	req := logsRequest{name: args[0], follow: c.Bool("follow")}
	if req.sel, err = history.ParseBootSelector(c.String("boot")); err != nil {
		return logsRequest{}, cli.Exit("logs: --boot "+err.Error(), 2)
	}
	if req.sel.Outcome != "" && !slices.Contains(limaadapter.Outcomes, req.sel.Outcome) {
		return logsRequest{}, cli.Exit(fmt.Sprintf("logs: --boot %q: %v; the outcomes are %s", c.String("boot"),
			history.ErrBadSelector, strings.Join(limaadapter.Outcomes, ", ")), 2)
	}
	req.file = limaadapter.LogBase(c.String("file"))
	if _, ok := limaadapter.LogName(req.file); req.file != "" && !ok {
		return logsRequest{}, cli.Exit(fmt.Sprintf("logs: --file %q is not one of Lima's logs: %s", c.String("file"), strings.Join(limaadapter.LogBases(), ", ")), 2)
	}
	if c.Int("lines") < 0 {
		return logsRequest{}, cli.Exit("logs: --lines must be 0 or more", 2)
	}
	switch {
	case c.Bool("until-stopped") && !req.follow:
		return logsRequest{}, cli.Exit("logs: --until-stopped goes with --follow", 2)
	case req.follow && (req.sel.ByGeneration || req.sel.Index != 0 || req.sel.Outcome != ""):
		return logsRequest{}, cli.Exit("logs: --follow follows the current boot; leave out --boot", 2)
	}
	return req, nil
}

// printLog prints the log req asks for from the boot it selects, the console
// chosen among consoles when req names no file.
func printLog(c *cli.Context, req logsRequest, consoles []string, boots []history.Boot) error {
	boot, err := history.Select(boots, req.sel)
	if errors.Is(err, history.ErrNoBoot) {
		return exitFor(fmt.Errorf("instance %q: %w (Hint: limactl logkeep boots %s)", req.name, err, req.name))
	} else if err != nil {
		return exitFor(fmt.Errorf("instance %q: %w", req.name, err))
	}
	file := req.file
	if file == "" {
		if file, err = history.ChooseConsole(boot, consoles); err != nil {
			return exitFor(err)
		}
	}
	f, found := boot.File(file)
	if !found {
		var have []string
		for _, f := range boot.Files {
			have = append(have, f.Log)
		}
		what := "no console log"
		if file != "" {
			what = "no " + file + " log"
		}
		return cli.Exit(fmt.Sprintf("boot %s of instance %q has %s; it has: %s (choose one with --file)", req.sel, req.name, what, strings.Join(have, ", ")), 1)
	}
	return exitFor(history.WriteLog(os.Stdout, f, c.Int("lines")))
}

// followLogs follows the current log file of instance name until Ctrl-C (or the
// instance stops, with --until-stopped). Without --file it follows the console
// chosen in the newest boot recorded (the current one while it exists), else the
// one Lima most likely writes for this instance.
func followLogs(c *cli.Context, store history.Store, name, file string, consoles []string, boots []history.Boot) error {
	if file == "" && len(boots) > 0 {
		var err error
		if file, err = history.ChooseConsole(boots[len(boots)-1], consoles); err != nil {
			return exitFor(err)
		}
	}
	if file == "" {
		file = consoles[0]
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := logfile.FollowOptions{Lines: c.Int("lines")}
	if c.Bool("until-stopped") {
		lima := limaadapter.Inspector{FindLimactl: lazyLimactl(c)}
		opts.StopWhen = history.UntilStopped(func() (bool, error) {
			inst, err := lima.Inspect(context.Background(), name)
			if errors.Is(err, limaadapter.ErrNoInstance) {
				return true, nil
			} else if err != nil {
				return false, err
			}
			return inst.Stopped(), nil
		}, time.Second)
	}
	return exitFor(store.Follow(ctx, name, file, os.Stdout, opts))
}
