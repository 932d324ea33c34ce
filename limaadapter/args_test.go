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

func TestSplitCommand(t *testing.T) {
	cases := []struct {
		argv []string
		want Invocation
	}{
		{[]string{"start", "vm"}, Invocation{Global: []string{}, Command: "start", Args: []string{"vm"}}},
		{[]string{"--debug", "--log-level", "info", "--log-format=json", "--tty=false", "-y", "rm", "-f", "vm"},
			Invocation{Global: []string{"--debug", "--log-level", "info", "--log-format=json", "--tty=false", "-y"}, Command: "rm", Args: []string{"-f", "vm"}}},
		{[]string{"--version"}, Invocation{Global: []string{"--version"}}},
		{[]string{"--unknown", "start", "vm"}, Invocation{Global: []string{"--unknown", "start", "vm"}}},
		{[]string{}, Invocation{Global: []string{}}},
		// An empty word is no command: the line goes through whole (found by FuzzSplitCommand).
		{[]string{"", ""}, Invocation{Global: []string{"", ""}}},
		{[]string{"--debug", "", "start", "vm"}, Invocation{Global: []string{"--debug", "", "start", "vm"}}},
	}
	for _, c := range cases {
		got := SplitCommand(c.argv)
		assert.Equal(t, c.want, got, "%q", c.argv)
		assert.Equal(t, c.argv, got.Argv(), "Argv must give back the line unchanged")
	}
}

func TestParseInstanceArgs(t *testing.T) {
	got, ok := ParseInstanceArgs([]string{"a", "-f", "b", "--debug"}, true, 1, -1)
	assert.True(t, ok)
	assert.Equal(t, InstanceArgs{Names: []string{"a", "b"}, Force: true, Flags: []string{"--debug=true", "--force=true"}}, got)
	assert.Equal(t, []string{"--debug=true", "--force=true", "b"}, got.ArgsFor([]string{"b"}), "the same line naming b only")

	got, ok = ParseInstanceArgs(nil, true, 0, 1)
	assert.True(t, ok)
	assert.Equal(t, InstanceArgs{Names: []string{"default"}}, got)

	_, ok = ParseInstanceArgs(nil, true, 1, -1)
	assert.False(t, ok, "delete needs a name")
	_, ok = ParseInstanceArgs([]string{"a", "b"}, false, 0, 1)
	assert.False(t, ok, "factory-reset takes one")
	_, ok = ParseInstanceArgs([]string{"-f", "a"}, false, 0, 1)
	assert.False(t, ok, "factory-reset has no --force")
	_, ok = ParseInstanceArgs([]string{"--help"}, true, 0, 1)
	assert.False(t, ok)
}

func TestGuessAtRisk(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	for _, name := range []string{"vm", "other", "default"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, name), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(home, name, "lima.yaml"), nil, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(home, "nolimayaml"), 0o755))
	cases := []struct {
		args []string
		want []string
	}{
		{nil, []string{"default"}},
		{[]string{"--future-flag"}, []string{"default"}},
		{[]string{"--future-flag", "vm"}, []string{"vm"}},                  // lenient pflag takes vm for the flag's value
		{[]string{"--future-flag=1", "--cpus", "2", "vm"}, []string{"vm"}}, // 2 is --cpus' value
		{[]string{"-Z", "other", "--timeout", "1m"}, []string{"other"}},
		{[]string{"--name", "vm", "--future", "template:docker"}, []string{"vm"}},
		{[]string{"--future", "template:docker"}, nil}, // a new instance: nothing existing at risk
		{[]string{"--future", "new"}, nil},
		{[]string{"--future", "nolimayaml"}, nil},
		{[]string{"--instance", "vm", "--future", "--", "ls", "other"}, []string{"vm", "other"}},
		{[]string{"vm", "other", "--start", "--future"}, []string{"vm", "other"}},
		{[]string{"vm", "vm", "--set", ".cpus=2", "--future"}, []string{"vm"}},
		{[]string{"--cpus", "x", "vm"}, []string{"vm"}}, // a bad value stops the parse: every word counts
		{[]string{"../vm", "--future"}, nil},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, guessAtRisk(c.args), "%q", c.args)
	}
	require.NoError(t, os.RemoveAll(filepath.Join(home, "default")))
	assert.Empty(t, guessAtRisk([]string{"--future-flag"}), "a default instance that does not exist is not at risk")
}

func TestRemoveAtRisk(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	for _, name := range []string{"vm", "default"} {
		require.NoError(t, os.MkdirAll(filepath.Join(home, name), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(home, name, "lima.yaml"), nil, 0o644))
	}
	del := func(args ...string) Invocation { return Invocation{Command: "delete", Args: args} }
	assert.Equal(t, []string{"vm"}, RemoveAtRisk(del("--future", "vm", "new")))
	assert.Empty(t, RemoveAtRisk(del("--future")), "delete naming nothing: limactl refuses it")
	assert.Empty(t, RemoveAtRisk(del("--future", "vm", "--help")), "help removes nothing")
	assert.Equal(t, []string{"vm"}, RemoveAtRisk(del("--future", "vm", "--", "--help")), "after -- it is a word")
	assert.Equal(t, []string{"default"}, RemoveAtRisk(Invocation{Command: "factory-reset", Args: []string{"--future"}}))
}
