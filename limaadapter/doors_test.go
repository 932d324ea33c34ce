// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseBootLineDoors(t *testing.T) {
	on, off, unset := OptionalBool{true, true}, OptionalBool{true, false}, OptionalBool{}
	cases := []struct {
		global  []string
		command string
		args    []string
		want    BootLine
		verdict Verdict
	}{
		// shell: flags before the instance only; what follows is the guest's command.
		{nil, "shell", []string{"vm", "true"}, BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"vm", "--start", "--tty=false", "-y"}, BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"--start", "vm"}, BootLine{Instance: "vm", Start: on}, MayBoot},
		{nil, "shell", []string{"--start=false", "vm"}, BootLine{Instance: "vm", Start: off}, MayBoot},
		{nil, "shell", []string{"--workdir", "/tmp", "--shell=/bin/sh", "--reconnect", "--preserve-env", "--sync", ".", "vm", "ls"},
			BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"--", "vm", "ls"}, BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"vm", "--", "ls"}, BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"--instance", "vm", "ls", "-l"}, BootLine{Instance: "vm"}, MayBoot},
		{nil, "shell", []string{"--workdir", "/w", "--instance", "vm", "--start"}, BootLine{Instance: "vm", Start: on}, MayBoot},
		{[]string{"--tty=false"}, "shell", []string{"vm"}, BootLine{Instance: "vm", TTY: off}, MayBoot},
		{[]string{"--tty"}, "shell", []string{"vm"}, BootLine{Instance: "vm", TTY: on}, MayBoot},
		{[]string{"-y"}, "shell", []string{"vm"}, BootLine{Instance: "vm", TTY: off}, MayBoot},
		{[]string{"--yes=false"}, "shell", []string{"vm"}, BootLine{Instance: "vm", TTY: unset}, MayBoot},
		{nil, "shell", []string{"--debug", "--tty", "vm"}, BootLine{Instance: "vm", TTY: on}, MayBoot},
		{[]string{"--tty"}, "shell", []string{"-y", "vm"}, BootLine{}, NoBoot}, // limactl refuses both
		{nil, "shell", nil, BootLine{}, NoBoot},
		{nil, "shell", []string{"--help"}, BootLine{}, NoBoot},
		{nil, "shell", []string{"-h", "vm"}, BootLine{}, NoBoot},
		{nil, "shell", []string{"vm", "--help"}, BootLine{Instance: "vm"}, MayBoot}, // the guest's --help
		{nil, "shell", []string{"../x"}, BootLine{}, NoBoot},
		{nil, "shell", []string{"--new-flag", "vm"}, BootLine{}, Unknown},
		// edit
		{nil, "edit", nil, BootLine{Instance: "default"}, MayBoot},
		{nil, "edit", []string{"vm", "--start", "--cpus", "2"}, BootLine{Instance: "vm", Start: on}, MayBoot},
		{nil, "edit", []string{"--set", ".cpus=2", "--set", ".memory=\"1GiB\"", "--param", "a=b", "--ssh-port", "2222", "vm"},
			BootLine{Instance: "vm"}, MayBoot},
		{[]string{"-y"}, "edit", []string{"vm", "--start=true"}, BootLine{Instance: "vm", Start: on, TTY: off}, MayBoot},
		{nil, "edit", []string{"./vm.yaml", "--start"}, BootLine{}, NoBoot},
		{nil, "edit", []string{"a", "b"}, BootLine{}, NoBoot},
		{nil, "edit", []string{"vm", "--cpus", "two"}, BootLine{}, Unknown},
		{nil, "edit", []string{"vm", "--future"}, BootLine{}, Unknown},
		// clone and rename
		{nil, "clone", []string{"old", "new", "--start"}, BootLine{Instance: "old", New: "new", Start: on}, MayBoot},
		{nil, "rename", []string{"--start=false", "old", "new", "--tty"}, BootLine{Instance: "old", New: "new", Start: off, TTY: on}, MayBoot},
		{nil, "clone", []string{"old"}, BootLine{}, NoBoot},
		{nil, "rename", []string{"old", "new", "x"}, BootLine{}, NoBoot},
		{nil, "clone", []string{"--help"}, BootLine{}, NoBoot},
	}
	for _, c := range cases {
		inv := Invocation{Global: c.global, Command: c.command, Args: c.args}
		got := ParseBootLine(inv)
		c.want.Invocation, c.want.Verdict = inv, c.verdict
		if c.verdict != MayBoot {
			c.want = BootLine{Invocation: inv, Verdict: c.verdict} // only the verdict
		}
		assert.Equal(t, c.want, got, "%q", inv.Argv())
	}
}

func TestIsDoor(t *testing.T) {
	for _, door := range Doors {
		assert.True(t, IsDoor(door), door)
	}
	for _, command := range []string{"start", "restart", "list", "", "shelll"} {
		assert.False(t, IsDoor(command), command)
	}
}

func TestStartFlagsListsBothVersions(t *testing.T) {
	flags := StartFlags()
	for name, typ := range map[string]string{"name": "string", "timeout": "duration", "cpus": "int", "progress": "bool", "ssh-port": "uint16", "set": "stringArray", "plain": "bool"} {
		assert.Equal(t, typ, flags[name], name)
	}
}
