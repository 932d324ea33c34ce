package limaadapter

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStart(t *testing.T) {
	cases := []struct {
		args []string
		name string
		ok   bool
	}{
		{nil, "default", true},
		{[]string{"vm"}, "vm", true},
		{[]string{"--name", "vm"}, "vm", true},
		{[]string{"--name=vm", "vm"}, "vm", true},
		{[]string{"--name=a", "b"}, "", false}, // limactl rejects the pair
		{[]string{"vm", "--timeout", "10m", "--foreground"}, "vm", true},
		{[]string{"--cpus", "2", "vm"}, "vm", true},
		{[]string{"--set", ".cpus=2", "vm"}, "vm", true},
		{[]string{"--log-level", "debug", "--tty=false", "-y", "vm"}, "vm", true},
		{[]string{"./dir/tiny.yaml"}, "tiny", true},
		{[]string{"tiny.yml"}, "tiny", true},
		{[]string{"--name", "x", "./dir/tiny.yaml"}, "x", true},
		{[]string{"template://docker"}, "docker", true},
		{[]string{"template://deprecated/centos-7"}, "centos-7", true},
		{[]string{"https://example.com/t/alpine.yaml"}, "alpine", true},
		{[]string{"template:docker"}, "docker", true},
		{[]string{"github:lima-vm/lima/templates/docker"}, "", false}, // named when limactl fetches it
		{[]string{"--name", "gh", "github:org/repo"}, "gh", true},
		{[]string{"myplugin:x"}, "", false},
		{[]string{"--progress", "--ssh-port", "0", "vm"}, "vm", true},
		{[]string{"--list-drivers", "vm"}, "", false},
		{[]string{"-"}, "", false},
		{[]string{"--name", "vm", "-"}, "vm", true},
		{[]string{"--list-templates"}, "", false},
		{[]string{"--help"}, "", false},
		{[]string{"-h", "vm"}, "", false},
		{[]string{"--no-such-flag", "vm"}, "", false},
		{[]string{"a", "b"}, "", false},
		{[]string{"--", "vm"}, "vm", true},
		{[]string{"--name", "../x"}, "", false},
	}
	for _, c := range cases {
		line, ok := ParseStart(c.args)
		name := line.Name
		assert.Equal(t, c.ok, ok, "%q", c.args)
		assert.Equal(t, c.name, name, "%q", c.args)
	}
}

func TestParseStartFromTemplate(t *testing.T) {
	for _, args := range [][]string{nil, {"vm"}, {"--name", "vm"}, {"--tty=false", "vm", "--timeout=1m"}} {
		line, ok := ParseStart(args)
		assert.True(t, ok && !line.FromTemplate, "%q starts an existing instance", args)
	}
	for _, args := range [][]string{{"vm.yaml"}, {"../vm"}, {"./vm/"}, {"--name", "vm", "t.yaml"}, {"template://vm"}, {"-"}, {"--help"}} {
		line, ok := ParseStart(args)
		assert.False(t, ok && !line.FromTemplate, "%q creates a new instance (or starts nothing)", args)
	}
	// Lima names these when it runs; they still create a new instance.
	for _, args := range [][]string{{"github:org/repo"}, {"myplugin:x"}, {"./disk.qcow2"}} {
		line, ok := ParseStart(args)
		assert.True(t, !ok && line.FromTemplate && line.Name == "", "%q: %+v %v", args, line, ok)
	}
}

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

func TestStartAtRisk(t *testing.T) {
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
		assert.Equal(t, c.want, StartAtRisk(c.args), "%q", c.args)
	}
	require.NoError(t, os.RemoveAll(filepath.Join(home, "default")))
	assert.Empty(t, StartAtRisk([]string{"--future-flag"}), "a default instance that does not exist is not at risk")
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
