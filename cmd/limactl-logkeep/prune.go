// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/history"
)

func pruneCommand() *cli.Command {
	return &cli.Command{
		Name:      "prune",
		Usage:     "remove old preserved sets of logs",
		ArgsUsage: "[INSTANCE...] [--older-than DURATION] [--keep-sets K] [--dry-run]",
		Description: `Retention for the sets 'delete' and 'factory-reset' preserve (see 'preserved'), for the
named instances or all. Say what to remove: --older-than removes sets preserved longer
ago than DURATION (30d, 2w, 36h, ...); --keep-sets removes all but the newest K sets of
each instance. With both, a set goes only when both select it: K is a floor that the age
limit never goes below. With neither, nothing is removed (an error).

It prints each set it removes and the space freed; --dry-run prints the same and removes
nothing. It only removes set directories that hold nothing but logs and lima.yaml (a set
holding anything else is left, with a warning), file by file. It never touches an
instance's own directory in LIMA_HOME, nor its active or rotated logs.

Examples:
   limactl logkeep prune --older-than 30d --dry-run
   limactl logkeep prune --keep-sets 3
   limactl logkeep prune ci-vm --older-than 2w --keep-sets 1`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "older-than", Usage: "remove sets preserved more than DURATION ago: 30d, 2w, 36h, ..."},
			&cli.IntFlag{Name: "keep-sets", Usage: "keep only the newest K sets of each instance (0: none)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print what would be removed, remove nothing"},
		},
		BashComplete: completeInstances(true),
		Action:       pruneAction,
	}
}

func pruneAction(c *cli.Context) error {
	names, ok, err := positionalArgs(c)
	if !ok || err != nil {
		return err
	}
	opts := history.PruneOptions{Instances: names, KeepSets: -1, DryRun: c.Bool("dry-run")}
	if c.IsSet("older-than") {
		if opts.OlderThan, err = parseAge(c.String("older-than")); err != nil {
			return cli.Exit("prune: --older-than "+err.Error(), 2)
		}
	}
	if c.IsSet("keep-sets") {
		if opts.KeepSets = c.Int("keep-sets"); opts.KeepSets < 0 {
			return cli.Exit("prune: --keep-sets must be 0 or more", 2)
		}
	}
	store, err := newStore(c)
	if err != nil {
		return err
	}
	log, _ := newLogger(c)
	res, err := store.Prune(opts)
	if errors.Is(err, history.ErrNoCriterion) {
		return cli.Exit("prune: say which sets to remove: --older-than DURATION and/or --keep-sets K; nothing was removed (Hint: add --dry-run to see what would go)", 2)
	}
	verb, total := "Removed", "Freed"
	if opts.DryRun {
		verb, total = "Would remove", "Would free"
	}
	for _, set := range res.Removed {
		fmt.Printf("%s %s (%d %s, %s)\n", verb, set.Path, len(set.Files), plural(len(set.Files), "file", "files"), humanSize(set.Size))
	}
	for _, skip := range res.Skipped {
		log.Warnf("Left %s alone: %s", skip.Set.Path, skip.Reason)
	}
	switch {
	case len(res.Removed) == 0 && err == nil:
		fmt.Println("Nothing to prune.")
	case len(res.Removed) > 0:
		fmt.Printf("%s %s in %d %s.\n", total, humanSize(res.Freed), len(res.Removed), plural(len(res.Removed), "set", "sets"))
	}
	return exitFor(err)
}
