// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Where Lima 2.2's start-at-login (pkg/autostart) keeps its entries, and the
// drop-in limactl-logkeep adds next to Lima's systemd unit.
const (
	// DropInName is the file limactl-logkeep writes in the unit's drop-in
	// directory (lima-vm@INSTANCE.service.d).
	DropInName = "limactl-logkeep.conf"
)

// SystemdUnitName is Lima's systemd user unit of the instance name
// (systemd.UnitNameFrom): lima-vm@NAME.service.
func SystemdUnitName(name string) string {
	return "lima-vm@" + name + ".service"
}

// SystemdUnitPath returns where Lima writes the unit of the instance name, as
// Lima's systemd.GetUnitPath does: $XDG_CONFIG_HOME/systemd/user (default
// $HOME/.config), read through getenv. It validates the name.
func SystemdUnitPath(name string, getenv func(string) string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	config := getenv("XDG_CONFIG_HOME")
	if config == "" {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("cannot find the systemd user unit directory: neither XDG_CONFIG_HOME nor HOME is set")
		}
		config = filepath.Join(home, ".config")
	}
	return filepath.Join(config, "systemd", "user", SystemdUnitName(name)), nil
}

// SystemdDropInPath returns the path of limactl-logkeep's drop-in for the unit
// of the instance name: <unit path>.d/limactl-logkeep.conf.
func SystemdDropInPath(name string, getenv func(string) string) (string, error) {
	unit, err := SystemdUnitPath(name, getenv)
	if err != nil {
		return "", err
	}
	return DropInOf(unit), nil
}

// DropInOf returns the path of limactl-logkeep's drop-in for the systemd unit
// file at unit: <unit>.d/limactl-logkeep.conf.
func DropInOf(unit string) string {
	return filepath.Join(unit+".d", DropInName)
}

// launchdLabel is Lima's launchd agent label of the instance name
// (launchd.ServiceNameFrom): io.lima-vm.autostart.NAME.
func launchdLabel(name string) string {
	return "io.lima-vm.autostart." + name
}

// LaunchdPlistPath returns where Lima writes the launchd agent of the instance
// name, as Lima's launchd.GetPlistPath does: $HOME/Library/LaunchAgents/LABEL.plist.
func LaunchdPlistPath(name string, getenv func(string) string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find the launchd agents directory: HOME is not set")
	}
	return filepath.Join(home, "Library", "LaunchAgents", launchdLabel(name)+".plist"), nil
}

// UnitExecStart returns the program of the first ExecStart= line of the systemd
// unit file at path: the limactl that Lima's unit runs (`ExecStart=<limactl>
// start %i --foreground`). It returns an error wrapping os.ErrNotExist when the
// file does not exist, and one naming the file when it has no ExecStart.
func UnitExecStart(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read Lima's unit: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		value, ok := strings.CutPrefix(strings.TrimSpace(line), "ExecStart=")
		if !ok {
			continue
		}
		words := strings.Fields(strings.TrimLeft(value, "@-:+!"))
		if len(words) > 0 {
			return strings.Trim(words[0], `"`), nil
		}
	}
	return "", fmt.Errorf("%s has no ExecStart= line, so it is not Lima's unit (Hint: run limactl start-at-login again to rewrite it)", path)
}

// SystemdDropIn returns the drop-in for Lima's systemd unit of the instance
// name that keeps its boots: its ExecStartPre runs `<logkeep> --limactl=<limactl>
// OPTIONS... start-at-login --before-boot NAME` (logkeep is limactl-logkeep's
// absolute path, options its global options), before every boot of the unit and
// each Restart=on-failure retry, and Environment= sets LIMA_HOME=limaHome for
// the whole service, Lima's own ExecStart included: Lima's unit sets none, and
// would otherwise boot the instance of the default home. Every word is quoted
// for systemd (SystemdQuote, SystemdQuoteArg). It is a pure function.
func SystemdDropIn(name, limaHome, logkeep, limactl string, options []string) []byte {
	words := []string{SystemdQuote(logkeep), SystemdQuoteArg("--limactl=" + limactl)}
	for _, opt := range options {
		words = append(words, SystemdQuoteArg(opt))
	}
	words = append(words, "start-at-login", "--before-boot", name)
	return fmt.Appendf(nil, `# Written by limactl-logkeep start-at-login: before every boot of Lima's unit
# %s (each Restart=on-failure retry too), the last boot's logs
# become a generation. Remove it with: limactl logkeep start-at-login --enabled=false %s
# LIMA_HOME is set for the whole service, Lima's own ExecStart included: Lima's
# unit sets none, and would otherwise boot the instance of the default home.
[Service]
Environment=%s
ExecStartPre=%s
`, SystemdUnitName(name), name, SystemdQuote("LIMA_HOME="+limaHome), strings.Join(words, " "))
}

// SystemdQuote quotes word for a systemd unit setting where systemd expands
// specifiers but not variables: the program of an Exec*= line, an
// Environment= assignment. It gives double quotes, with backslash and double
// quote escaped and % doubled, so that the word reaches its reader exactly as given.
func SystemdQuote(word string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `%`, `%%`)
	return `"` + r.Replace(word) + `"`
}

// SystemdQuoteArg quotes word as an argument of an Exec*= line, where systemd
// also expands $VAR: SystemdQuote with $ doubled as well.
func SystemdQuoteArg(word string) string {
	return SystemdQuote(strings.ReplaceAll(word, "$", "$$"))
}
