// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/agent"
	"limactl-logkeep/limaadapter"
)

func agentCommand() *cli.Command {
	home := &cli.StringSliceFlag{Name: "lima-home", Usage: "a Lima home to watch, repeatable (default: $LIMA_HOME, else ~/.lima)"}
	return &cli.Command{
		Name:      "agent",
		Usage:     "keep every boot of every instance, whatever boots it: a per-user agent, no wrapper needed",
		ArgsUsage: "[--lima-home DIR]...",
		Description: `Runs in the foreground until SIGINT or SIGTERM, watching each Lima home (~/.lima,
Colima's ~/.colima/_lima, Rancher Desktop's and Finch's homes) and keeping every boot of
every instance in it, including instances made later, whatever boots it: limactl by any
path (Rancher Desktop and Finch run their own), a program that embeds Lima's pkg/instance,
start-at-login, a plain 'limactl start'. Each boot's logs become the numbered generations
the hooks make (serial.N.log, ha.stderr.N.log, ...) with the same retention
(--max-backups, --keep-logs, --compress); when an instance directory is removed by
anything, with --keep-logs (or $RDD_KEEP_LOGS) every log it had is preserved in
<logs dir>/<instance>/<time>/, as the delete hook does. It costs limactl nothing.

The agent keeps a hard link of every log in <logs dir>/.agent/ (default logs dir:
HOME/_logkeep), so the logs directory must be on the home's filesystem. One agent per
home: a second one is refused. With the wrapper or plugin also in use, each boot still
gives exactly one generation.

  install [--lima-home DIR]... [--no-enable]
      writes a per-user service that starts the agent at login and restarts it if it
      dies (with these global options and homes) and enables it: a systemd user unit
      on Linux, a launchd agent on macOS
  uninstall   stops and removes that service
  status      says whether it is installed and running, which homes it watches and
              when it last kept a boot; exits 1 unless an agent watches every home

Examples:
   limactl logkeep agent                                   # the default Lima home
   limactl logkeep --keep-logs agent install --lima-home ~/.lima --lima-home ~/.colima/_lima
   limactl logkeep agent status`,
		Flags:  []cli.Flag{home},
		Action: agentRunAction,
		Subcommands: []*cli.Command{
			{
				Name:      "install",
				Usage:     "install and enable the agent as a per-user service",
				ArgsUsage: "[--lima-home DIR]... [--no-enable]",
				Flags: []cli.Flag{home, &cli.BoolFlag{Name: "no-enable",
					Usage: "only write the service's file; do not ask the service manager to start it"}},
				Action: agentInstallAction,
			},
			{
				Name:   "uninstall",
				Usage:  "stop and remove the agent's per-user service",
				Action: agentUninstallAction,
			},
			{
				Name:      "status",
				Usage:     "say whether the agent is installed and running, what it watches and when it last kept a boot",
				ArgsUsage: "[--lima-home DIR]...",
				Flags:     []cli.Flag{home},
				Action:    agentStatusAction,
			},
		},
	}
}

// agentConfig reads the agent's configuration from the command line: the homes (default the
// resolved LIMA_HOME) and the global options.
func agentConfig(c *cli.Context) (agent.Config, error) {
	if c.NArg() > 0 {
		return agent.Config{}, cli.Exit(fmt.Sprintf("agent: unexpected argument %q (see --help)", c.Args().First()), 2)
	}
	homes := c.StringSlice("lima-home")
	if len(homes) == 0 {
		home, err := limaadapter.Home()
		if err != nil {
			return agent.Config{}, cli.Exit(err.Error(), 1)
		}
		homes = []string{home}
	}
	return agent.Config{
		Homes:      homes,
		LogsDir:    c.String("logs-dir"),
		MaxBackups: c.Int("max-backups"),
		KeepLogs:   keepLogs(c),
		Compress:   c.Bool("compress"),
	}, nil
}

func agentRunAction(c *cli.Context) error {
	cfg, err := agentConfig(c)
	if err != nil {
		return err
	}
	if cfg.Log, err = newLogger(c); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := agent.Run(ctx, cfg); err != nil {
		return cli.Exit("agent: "+err.Error(), 1)
	}
	return nil
}

func agentInstallAction(c *cli.Context) error {
	cfg, err := agentConfig(c)
	if err != nil {
		return err
	}
	homes, err := agent.Check(cfg)
	if err != nil {
		return cli.Exit("agent install: "+err.Error(), 1)
	}
	s, err := agentService(c, cfg, homes)
	if err != nil {
		return cli.Exit("agent install: "+err.Error(), 1)
	}
	path, err := s.Install(c.Context, !c.Bool("no-enable"), agent.RunCommand)
	if errors.Is(err, agent.ErrNotEnabled) {
		fmt.Fprintf(c.App.Writer, "Wrote %s\n", path)
		return cli.Exit("agent install: "+err.Error(), 1)
	} else if err != nil {
		return cli.Exit("agent install: "+err.Error(), 1)
	}
	var dirs []string
	for _, h := range homes {
		dirs = append(dirs, h.Dir)
	}
	what := "installed and started"
	if c.Bool("no-enable") {
		what = "installed (not enabled: --no-enable)"
	}
	fmt.Fprintf(c.App.Writer, "The agent is %s as a per-user service (%s), watching %s\n", what, path, strings.Join(dirs, ", "))
	return nil
}

// agentService is the service running this program with the current global options as the agent
// of homes.
func agentService(c *cli.Context, cfg agent.Config, homes []agent.Home) (agent.Service, error) {
	self, err := os.Executable()
	if err != nil {
		return agent.Service{}, fmt.Errorf("cannot find the path of this program: %w", err)
	}
	if limaadapter.IsShimName(filepath.Base(self)) {
		return agent.Service{}, fmt.Errorf("run it as limactl-logkeep (or limactl logkeep), not through the limactl shim %s", self)
	}
	args := []string{"--max-backups=" + strconv.Itoa(cfg.MaxBackups)}
	if cfg.KeepLogs {
		args = append(args, "--keep-logs")
	}
	if cfg.Compress {
		args = append(args, "--compress")
	}
	if cfg.LogsDir != "" {
		args = append(args, "--logs-dir="+homes[0].LogsDir)
	}
	args = append(args, "agent")
	for _, h := range homes {
		args = append(args, "--lima-home="+h.Dir)
	}
	return agent.Service{Program: self, Args: args}, nil
}

func agentUninstallAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("agent uninstall: unexpected argument %q (see --help)", c.Args().First()), 2)
	}
	path, warning, err := agent.Service{}.Uninstall(c.Context, agent.RunCommand)
	if warning != nil {
		fmt.Fprintf(c.App.ErrWriter, "limactl-logkeep: agent uninstall: %v\n", warning)
	}
	switch {
	case err != nil:
		return cli.Exit("agent uninstall: "+err.Error(), 1)
	case path == "":
		fmt.Fprintln(c.App.Writer, "The agent is not installed as a service; nothing to remove")
	default:
		fmt.Fprintf(c.App.Writer, "Removed the agent's service %s\n", path)
	}
	return nil
}

func agentStatusAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("agent status: unexpected argument %q (see --help)", c.Args().First()), 2)
	}
	w := c.App.Writer
	path, installed, homes, err := agent.Service{}.Installed()
	switch {
	case errors.Is(err, agent.ErrUnsupported):
		return cli.Exit("agent status: "+err.Error(), 1)
	case err != nil:
		fmt.Fprintf(w, "service: %v\n", err)
	case installed:
		fmt.Fprintf(w, "service: installed (%s)\n", path)
	default:
		fmt.Fprintf(w, "service: not installed (no %s): limactl logkeep agent install\n", path)
	}
	if given := c.StringSlice("lima-home"); len(given) > 0 || len(homes) == 0 {
		cfg, err := agentConfig(c)
		if err != nil {
			return err
		}
		homes = cfg.Homes
	}
	ok := true
	for _, home := range homes {
		if !agentHomeStatus(c, home) {
			ok = false
		}
	}
	if !ok {
		return cli.Exit("", 1)
	}
	return nil
}

// agentHomeStatus prints whether an agent watches home, and reports it.
func agentHomeStatus(c *cli.Context, home string) bool {
	w := c.App.Writer
	if abs, err := filepath.Abs(home); err == nil {
		home = abs
	}
	if real, err := filepath.EvalSymlinks(home); err == nil {
		home = real
	}
	logsDir := c.String("logs-dir")
	if logsDir == "" {
		logsDir = limaadapter.LogsDirOf(home)
	}
	st, running, err := agent.ReadState(logsDir)
	switch {
	case err != nil:
		fmt.Fprintf(w, "%s: not watched: %v\n", home, err)
		return false
	case !running:
		fmt.Fprintf(w, "%s: not watched: the agent (pid %d) stopped; %s\n", home, st.PID, lastKept(st))
		return false
	}
	fmt.Fprintf(w, "%s: watched by the agent (pid %d, since %s): %d instances (%s); %s\n", home, st.PID,
		st.Started.Local().Format(time.DateTime), len(st.Instances), strings.Join(st.Instances, ", "), lastKept(st))
	return true
}

func lastKept(st agent.State) string {
	if st.LastKept.IsZero() {
		return "it kept no boot yet"
	}
	return fmt.Sprintf("last kept %s (%s)", st.LastKept.Local().Format(time.DateTime), st.What)
}
