// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startLine parses `limactl start args...`.
func startLine(args ...string) BootLine {
	return ParseBootLine(Invocation{Command: "start", Args: args})
}

func TestParseBootLineStart(t *testing.T) {
	cases := []struct {
		args    []string
		name    string
		verdict Verdict
	}{
		{nil, "default", MayBoot},
		{[]string{"vm"}, "vm", MayBoot},
		{[]string{"--name", "vm"}, "vm", MayBoot},
		{[]string{"--name=vm", "vm"}, "vm", MayBoot},
		{[]string{"--name=a", "b"}, "", Unknown}, // limactl rejects the pair
		{[]string{"vm", "--timeout", "10m", "--foreground"}, "vm", MayBoot},
		{[]string{"--cpus", "2", "vm"}, "vm", MayBoot},
		{[]string{"--set", ".cpus=2", "vm"}, "vm", MayBoot},
		{[]string{"--log-level", "debug", "--tty=false", "-y", "vm"}, "vm", MayBoot},
		{[]string{"./dir/tiny.yaml"}, "tiny", MayBoot},
		{[]string{"tiny.yml"}, "tiny", MayBoot},
		{[]string{"--name", "x", "./dir/tiny.yaml"}, "x", MayBoot},
		{[]string{"template://docker"}, "docker", MayBoot},
		{[]string{"template://deprecated/centos-7"}, "centos-7", MayBoot},
		{[]string{"https://example.com/t/alpine.yaml"}, "alpine", MayBoot},
		{[]string{"template:docker"}, "docker", MayBoot},
		{[]string{"github:lima-vm/lima/templates/docker"}, "", Unknown}, // named when limactl fetches it
		{[]string{"--name", "gh", "github:org/repo"}, "gh", MayBoot},
		{[]string{"myplugin:x"}, "", Unknown},
		{[]string{"--progress", "--ssh-port", "0", "vm"}, "vm", MayBoot},
		{[]string{"--list-drivers", "vm"}, "", NoBoot},
		{[]string{"-"}, "", Unknown},
		{[]string{"--name", "vm", "-"}, "vm", MayBoot},
		{[]string{"--list-templates"}, "", NoBoot},
		{[]string{"--help"}, "", NoBoot},
		{[]string{"-h", "vm"}, "", NoBoot},
		{[]string{"vm", "--help=true"}, "", NoBoot},
		{[]string{"--list-drivers=false"}, "default", MayBoot},
		{[]string{"--help=false", "vm"}, "vm", MayBoot}, // cobra boots it: only a true --help helps
		{[]string{"--no-such-flag", "vm"}, "", Unknown},
		{[]string{"--help", "--no-such-flag", "vm"}, "", Unknown},
		{[]string{"a", "b"}, "", Unknown},
		{[]string{"--", "vm"}, "vm", MayBoot},
		{[]string{"--name", "../x"}, "", Unknown},
	}
	for _, c := range cases {
		line := startLine(c.args...)
		assert.Equal(t, c.verdict, line.Verdict, "%q", c.args)
		assert.Equal(t, c.name, line.Instance, "%q", c.args)
	}
}

func TestParseBootLineStartFromTemplate(t *testing.T) {
	for _, args := range [][]string{nil, {"vm"}, {"--name", "vm"}, {"--tty=false", "vm", "--timeout=1m"}} {
		line := startLine(args...)
		assert.True(t, line.Verdict == MayBoot && !line.FromTemplate, "%q starts an existing instance", args)
	}
	for _, args := range [][]string{{"vm.yaml"}, {"../vm"}, {"./vm/"}, {"--name", "vm", "t.yaml"}, {"template://vm"}, {"-"}, {"--help"}} {
		line := startLine(args...)
		assert.False(t, line.Verdict == MayBoot && !line.FromTemplate, "%q creates a new instance (or starts nothing)", args)
	}
	// Lima names these when it runs; they still create a new instance.
	for _, args := range [][]string{{"github:org/repo"}, {"myplugin:x"}, {"./disk.qcow2"}} {
		line := startLine(args...)
		assert.True(t, line.Verdict == Unknown && line.FromTemplate && line.Instance == "", "%q: %+v", args, line)
	}
}

func TestParseBootLineRestart(t *testing.T) {
	cases := []struct {
		args []string
		want BootLine
	}{
		{nil, BootLine{Verdict: MayBoot, Instance: "default", Plain: true, StartArgs: []string{"default"}}},
		{[]string{"vm"}, BootLine{Verdict: MayBoot, Instance: "vm", Plain: true, StartArgs: []string{"vm"}}},
		{[]string{"-f", "vm", "--debug", "--tty=false"}, BootLine{Verdict: MayBoot, Instance: "vm", Force: true, Plain: true,
			StartArgs: []string{"--debug=true", "--tty=false", "vm"}}},
		{[]string{"vm", "--force"}, BootLine{Verdict: MayBoot, Instance: "vm", Force: true, Plain: true, StartArgs: []string{"vm"}}},
		{[]string{"--log-format", "json", "-y", "vm", "--log-level=debug"}, BootLine{Verdict: MayBoot, Instance: "vm", Plain: true,
			StartArgs: []string{"--log-format=json", "--log-level=debug", "--yes=true", "vm"}}},
		{[]string{"--progress", "vm"}, BootLine{Verdict: MayBoot, Instance: "vm"}},
		{[]string{"vm", "--cpus", "2", "-f"}, BootLine{Verdict: MayBoot, Instance: "vm", Force: true}},
		{[]string{"--set", ".cpus=2", "--set", ".memory=\"1G\"", "vm"}, BootLine{Verdict: MayBoot, Instance: "vm"}},
		{[]string{"--help"}, BootLine{Verdict: NoBoot}},
		{[]string{"a", "b"}, BootLine{Verdict: NoBoot}},
		{[]string{"../x"}, BootLine{Verdict: NoBoot}},
		{[]string{"--tty", "-y", "vm"}, BootLine{Verdict: NoBoot}}, // limactl refuses both
		{[]string{"--future", "vm"}, BootLine{Verdict: Unknown}},
		{[]string{"--start", "vm"}, BootLine{Verdict: Unknown}}, // restart has no --start
	}
	for _, c := range cases {
		inv := Invocation{Global: []string{"--debug"}, Command: "restart", Args: c.args}
		c.want.Invocation = inv
		assert.Equal(t, c.want, ParseBootLine(inv), "%q", c.args)
	}
}

func TestParseBootLineOtherCommandsBootNothing(t *testing.T) {
	for _, command := range []string{"list", "stop", "delete", "", "starts"} {
		inv := Invocation{Command: command, Args: []string{"vm"}}
		assert.Equal(t, BootLine{Invocation: inv, Verdict: NoBoot}, ParseBootLine(inv), command)
	}
}

// AtRisk guesses only for a line that cannot be parsed, from its global flags
// and its arguments.
func TestBootLineAtRisk(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	for _, name := range []string{"vm", "default"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, name), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(home, name, "lima.yaml"), nil, 0o644))
	}
	for _, c := range []struct {
		inv  Invocation
		want []string
	}{
		{Invocation{Command: "start", Args: []string{"--future", "vm"}}, []string{"vm"}},
		{Invocation{Global: []string{"--debug"}, Command: "shell", Args: []string{"--future", "vm", "ls"}}, []string{"vm"}},
		{Invocation{Command: "restart", Args: []string{"vm", "--future"}}, []string{"vm"}},
		{Invocation{Command: "start", Args: []string{"a", "vm"}}, []string{"vm"}}, // limactl rejects it: a warning still names vm
		{Invocation{Command: "start", Args: []string{"--future"}}, []string{"default"}},
		{Invocation{Command: "start", Args: []string{"vm"}}, nil},           // MayBoot: named with certainty
		{Invocation{Command: "start", Args: []string{"vm", "--help"}}, nil}, // NoBoot
		{Invocation{Command: "shell", Args: []string{"--help", "vm"}}, nil},
		{Invocation{Command: "list", Args: []string{"--future", "vm"}}, nil},
	} {
		assert.Equal(t, c.want, ParseBootLine(c.inv).AtRisk(), "%q", c.inv.Argv())
	}
}
