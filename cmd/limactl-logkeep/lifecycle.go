// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

// Commands whose arguments belong to limactl skip urfave/cli's flag parsing;
// their own few flags are taken out by takeFlag and the rest goes to limactl.
func lifecycleCommands() []*cli.Command {
	noRotate := &cli.BoolFlag{Name: "no-rotate", Usage: "start without rotating (Lima will delete the current logs)"}
	showConsole := &cli.BoolFlag{Name: "show-console", Usage: "stream the serial console to stderr, prefixed, while limactl starts the instance"}
	strict := &cli.BoolFlag{Name: "strict", Usage: "delete no instance of the line when the logs of any could not all be preserved (also $" + envStrict + ")"}
	return []*cli.Command{
		{
			Name:      "start",
			Usage:     "rotate the logs of a stopped instance, then run limactl start",
			ArgsUsage: "[LIMACTL-START-ARGS...]",
			Description: `Works out which instance 'limactl start ARGS' would boot (an instance name, --name,
a YAML file or template URL, none = default), rotates its logs into generation N when it
exists and is stopped, then runs 'limactl start ARGS' unchanged. With --show-console,
the console log(s) are streamed to stderr, each line prefixed "[INSTANCE serial] ", until
limactl returns; limactl then runs as a child process (signals relayed) instead of
replacing this one. The exit status is limactl's either way.

Examples:
   limactl logkeep start                       # the default instance
   limactl logkeep start myvm --timeout 20m    # flags go to limactl start
   limactl logkeep start --no-rotate myvm      # let Lima delete the logs
   limactl logkeep start --show-console myvm   # watch it boot: [myvm serial] ... on stderr`,
			Flags:           []cli.Flag{noRotate, showConsole},
			SkipFlagParsing: true,
			Action:          startAction("start", hooks.Hooks.Start),
		},
		{
			Name:      "restart",
			Usage:     "stop a running instance, rotate its logs, start it again",
			ArgsUsage: "[-f|--force] [--progress] [EDIT-FLAGS...] [INSTANCE]",
			Description: `Stops the instance (forcibly with --force) when it runs, rotates its logs and runs
'limactl start INSTANCE'. With Lima 2's other restart flags (--progress, the flags of
'limactl edit' such as --cpus or --set) it runs the 'limactl restart' line itself
instead, which finds the instance stopped, says so, and applies them as it boots.

Examples:
   limactl logkeep restart myvm
   limactl logkeep restart --force myvm
   limactl logkeep restart --show-console myvm`,
			Flags:           []cli.Flag{noRotate, showConsole},
			SkipFlagParsing: true,
			Action:          startAction("restart", hooks.Hooks.Restart),
		},
		{
			Name:      "delete",
			Aliases:   []string{"rm", "remove"},
			Usage:     "when keeping logs, stop instances and preserve their logs; then run limactl delete",
			ArgsUsage: "[-f|--force] INSTANCE...",
			Description: `Without --keep-logs (or RDD_KEEP_LOGS) nothing is kept: the line goes to 'limactl delete'
unchanged, which refuses a running instance without --force. With it, for each instance
in order: a missing one is left to limactl (it warns and goes on); a protected one is
refused before anything is stopped or moved; a running one is stopped (forcibly with
--force, gracefully without: here logkeep differs from limactl, which would refuse it,
because the logs can only be moved once the instance is stopped); its logs are moved to
<logs-dir>/<instance>/<UTC time>. Then 'limactl delete' runs, so Lima's own clean-up runs.

Examples:
   RDD_KEEP_LOGS=1 limactl logkeep delete myvm
   limactl logkeep --keep-logs delete --force --strict vm1 vm2`,
			Flags:           []cli.Flag{strict},
			SkipFlagParsing: true,
			Action:          removeAction("delete", hooks.Hooks.Delete),
		},
		{
			Name:      "factory-reset",
			Usage:     "preserve an instance's logs when keeping them, then run limactl factory-reset",
			ArgsUsage: "[INSTANCE]",
			Description: `With --keep-logs or RDD_KEEP_LOGS, stops the instance forcibly (as factory-reset
does) and preserves its logs first; factory-reset removes every log, generations included.

Example:
   RDD_KEEP_LOGS=1 limactl logkeep factory-reset myvm`,
			Flags:           []cli.Flag{strict},
			SkipFlagParsing: true,
			Action:          removeAction("factory-reset", hooks.Hooks.FactoryReset),
		},
		{
			Name:      "wrap",
			Usage:     "run a whole limactl command line, keeping the logs of every command that boots or deletes an instance (also: -- LIMACTL-ARGS)",
			ArgsUsage: "[LIMACTL-ARGS...]",
			Description: `Runs a limactl command line as limactl would, guarding each command that can lose logs;
'limactl-logkeep -- LIMACTL-ARGS' (through the plugin: 'limactl logkeep -- LIMACTL-ARGS')
is the same. It is what the program does when run as 'limactl' (and what the older
scripts/limactl shim runs). limactl's global
flags may come first; the line always reaches the real limactl unchanged.

   start, restart         rotate the instance's logs first (as the commands above)
   shell, edit            rotate the instance's logs first when limactl may boot it:
                          --start given, or no --start and Lima may ask "start now?"
                          (its --tty, by default whether stdout is a terminal; -y is
                          --tty=false; Lima 1.2.1's shell also asks when stdin is one)
   clone, rename OLD NEW  the same for OLD: its last boot becomes a generation that the
                          copy (or the renamed instance) carries, and NEW's boot deletes
                          nothing
   delete, factory-reset  with keep-logs, preserve the logs first (as above); without,
                          the line is limactl's alone

A running or missing instance is left to limactl, and 'limactl shell' on a running
instance goes to limactl at once. A boot command it cannot parse (a flag of a newer
Lima, say) goes through with one warning naming the instances whose logs are at risk
and how to keep them (limactl logkeep rotate NAME). Global flags given to limactl
before 'logkeep' (--tty, -y, --debug) are limactl's and do not reach the plugin: give
them after '--'. Settings come from the global options and the environment:
RDD_KEEP_LOGS, LIMA_LOGKEEP_DIR, LIMA_LOGKEEP_MAX_BACKUPS, LIMA_LOGKEEP_STRICT,
LIMA_LOGKEEP_COMPRESS, LIMACTL.

Examples:
   limactl-logkeep wrap start myvm
   limactl-logkeep wrap --debug delete -f myvm
   limactl logkeep -- shell --start myvm uname -a
   limactl logkeep -- --tty=false edit --start --cpus 4 myvm
   limactl logkeep --keep-logs -- rename myvm othervm --start`,
			SkipFlagParsing: true,
			Action: func(c *cli.Context) error {
				h, err := newHooks(c, true)
				if err != nil {
					return err
				}
				return exitWith(h.Wrap(c.Context, c.Args().Slice()))
			},
		},
	}
}

// startAction runs start or restart with --no-rotate and --show-console taken out.
func startAction(command string, hook func(hooks.Hooks, context.Context, limaadapter.Invocation, hooks.StartOptions) (int, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		return lifecycle(c, func(h hooks.Hooks, args []string) (int, error) {
			args, noRotate := takeFlag(args, "no-rotate")
			args, showConsole := takeFlag(args, "show-console")
			inv := limaadapter.Invocation{Command: command, Args: args}
			opts := hooks.StartOptions{NoRotate: noRotate}
			if showConsole {
				opts.Console = prefixedConsole(c.App.ErrWriter)
			}
			return hook(h, c.Context, inv, opts)
		})
	}
}

// removeAction runs delete or factory-reset with --strict taken out.
func removeAction(command string, hook func(hooks.Hooks, context.Context, limaadapter.Invocation) (int, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		return lifecycle(c, func(h hooks.Hooks, args []string) (int, error) {
			args, strict := takeFlag(args, "strict")
			h.Strict = h.Strict || strict
			return hook(h, c.Context, limaadapter.Invocation{Command: command, Args: args})
		})
	}
}

// lifecycle runs a lifecycle command with its arguments, or shows its help when
// they ask for it.
func lifecycle(c *cli.Context, run func(h hooks.Hooks, args []string) (int, error)) error {
	args := c.Args().Slice()
	if wantsHelp(args) {
		return cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
	}
	h, err := newHooks(c, true)
	if err != nil {
		return err
	}
	return exitWith(run(h, args))
}

// takeFlag removes the boolean flag --name (or --name=true/false) from args,
// before any "--", and reports whether it was set.
func takeFlag(args []string, name string) (rest []string, set bool) {
	rest = make([]string, 0, len(args))
	for i, arg := range args {
		switch arg {
		case "--":
			return append(rest, args[i:]...), set
		case "--" + name, "--" + name + "=true":
			set = true
		case "--" + name + "=false":
			set = false
		default:
			rest = append(rest, arg)
		}
	}
	return rest, set
}

// wantsHelp reports whether -h or --help comes before any "--".
func wantsHelp(args []string) bool {
	for _, arg := range args {
		switch arg {
		case "--":
			return false
		case "-h", "--help":
			return true
		}
	}
	return false
}
