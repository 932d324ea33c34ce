// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

func startAtLoginCommand() *cli.Command {
	return &cli.Command{
		Name:      "start-at-login",
		Usage:     "keep the logs of every boot the service manager makes under limactl start-at-login",
		ArgsUsage: "[--enabled=false|--status] INSTANCE",
		Description: `Lima's start-at-login ('limactl start-at-login INSTANCE', or 'limactl autostart
enable INSTANCE') hands the instance's boots to the service manager, past the wrapper
and the plugin. This makes each of those boots rotate the logs first, so every boot
becomes a generation, each failed one retried by systemd's Restart=on-failure too:
the newest --max-backups are kept (all of them with --keep-logs).

On Linux it writes a drop-in for Lima's unit, never editing the unit itself:
  $XDG_CONFIG_HOME/systemd/user/lima-vm@INSTANCE.service.d/limactl-logkeep.conf
(default ~/.config) with Environment=LIMA_HOME=... and an ExecStartPre running
'limactl-logkeep ... start-at-login --before-boot INSTANCE' with this program's
absolute path, Lima's limactl and the current --max-backups, --keep-logs and
--compress. Run 'systemctl --user daemon-reload' afterwards when systemd runs.
On macOS it rewrites the ProgramArguments of Lima's agent
  ~/Library/LaunchAgents/io.lima-vm.autostart.INSTANCE.plist
to 'limactl-logkeep ... wrap start INSTANCE --foreground': the logs are rotated, then
the same 'limactl start INSTANCE --foreground' replaces it, so launchd tracks one
process. Lima rewrites its entry at each 'limactl start-at-login': run this again.

--enabled=false takes it away (the drop-in, or Lima's own ProgramArguments back).
--status says whether Lima's entry exists and whether its boots are kept with this
program and these settings; it exits 1 when they are not.
--before-boot is what the service manager runs: rotate the stopped instance's logs
(nothing to rotate is fine; a running or missing instance is an error).
Deleting the instance through limactl-logkeep removes the drop-in.

Examples:
   limactl start-at-login myvm && limactl logkeep start-at-login myvm
   limactl logkeep --keep-logs start-at-login myvm
   limactl logkeep start-at-login --status myvm
   limactl logkeep start-at-login --enabled=false myvm`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "enabled", Value: true, Usage: "keep the service manager's boots (false: stop keeping them)"},
			&cli.BoolFlag{Name: "status", Usage: "report whether the boots are kept, change nothing"},
			&cli.BoolFlag{Name: "before-boot", Usage: "rotate the logs before a boot (what the service manager runs)"},
		},
		BashComplete: completeInstances(false),
		Action:       startAtLoginAction,
	}
}

func startAtLoginAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return cli.Exit("start-at-login: name exactly one instance (see --help)", 2)
	}
	name := c.Args().First()
	if err := limaadapter.ValidateName(name); err != nil {
		return cli.Exit(err.Error(), 2)
	}
	h, err := newHooks(c, false)
	if err != nil {
		return err
	}
	if c.Bool("before-boot") {
		return exitWith(0, h.RotateBeforeBoot(c.Context, name), serviceBootHint(name))
	}
	s, err := serviceBoots()
	if err != nil {
		return cli.Exit(fmt.Sprintf("start-at-login: %v", err), 1)
	}
	switch {
	case c.Bool("status"):
		return startAtLoginStatus(c, h, name, s)
	case !c.Bool("enabled"):
		path, err := h.ForgetServiceBoots(name, s)
		if err == nil && path != "" {
			h.Log.Infof("The service manager's boots of instance %q are no longer kept (%s)", name, path)
		}
		return exitWith(0, err)
	}
	path, err := h.KeepServiceBoots(name, s)
	if err == nil {
		h.Log.Infof("Every boot of instance %q by %s now keeps the last boot's logs first (%s)", name, s.Manager, path)
	}
	return exitWith(0, err)
}

// serviceBoots is this platform's service manager and this program's absolute path.
func serviceBoots() (hooks.ServiceBoots, error) {
	manager, err := hooks.CurrentServiceManager()
	if err != nil {
		return hooks.ServiceBoots{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return hooks.ServiceBoots{}, fmt.Errorf("cannot find the path of this program: %w", err)
	}
	// The program's own path, as Linux gives it: elsewhere os.Executable may give the path it
	// was run by, such as the plugin entry's <prefix>/lib/lima/../../libexec/limactl-logkeep/...
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	if limaadapter.IsShimName(filepath.Base(self)) {
		return hooks.ServiceBoots{}, fmt.Errorf("run it as limactl-logkeep (or limactl logkeep), not through the limactl shim %s", self)
	}
	return hooks.ServiceBoots{Manager: manager, Logkeep: self}, nil
}

// startAtLoginStatus prints what ServiceBootsStatus finds, and exits 1 unless
// the boots are kept with the current program and settings.
func startAtLoginStatus(c *cli.Context, h hooks.Hooks, name string, s hooks.ServiceBoots) error {
	st, err := h.ServiceBootsStatus(name, s)
	if err != nil {
		return exitWith(1, err)
	}
	w := c.App.Writer
	if st.Registered {
		fmt.Fprintf(w, "start-at-login: registered (%s)\n", st.Entry)
	} else {
		fmt.Fprintf(w, "start-at-login: not registered (no %s): limactl start-at-login %s\n", st.Entry, name)
	}
	switch {
	case st.Current:
		fmt.Fprintf(w, "boots kept: yes (%s)\n", st.Kept)
		return nil
	case st.Present:
		fmt.Fprintf(w, "boots kept: yes, but not with this program and these settings (%s): limactl logkeep start-at-login %s\n", st.Kept, name)
	default:
		fmt.Fprintf(w, "boots kept: no: limactl logkeep start-at-login %s\n", name)
	}
	return cli.Exit("", 1)
}
