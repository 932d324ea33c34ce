// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !windows

package agent

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// hostile is a home path with what a service file must quote: a space, %, $, a quote, a
// backslash, XML's specials.
const hostile = `/tmp/my home/100%/$HOME/"q"/b\s/<&>`

func testService(t *testing.T, program string) Service {
	config := t.TempDir()
	return Service{Program: program,
		Args: []string{"--max-backups=5", "--keep-logs", "agent", "--lima-home=/home/u/.lima", "--lima-home=" + hostile},
		Getenv: func(name string) string {
			return map[string]string{"HOME": config, "XDG_CONFIG_HOME": filepath.Join(config, "cfg")}[name]
		}}
}

func TestSystemdUnit(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	s := testService(t, self)
	unit := string(s.SystemdUnit())
	assert.Contains(t, unit, "\nRestart=always\n")
	assert.Contains(t, unit, "\nWantedBy=default.target\n")
	var execStart string
	for _, line := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			execStart = v
		}
	}
	assert.Equal(t, append([]string{self}, s.Args...), unitWords(execStart))
	assert.Equal(t, append([]string{self}, s.Args...), ServiceCommand([]byte(unit)))
	assert.Equal(t, []string{"/home/u/.lima", hostile}, HomesOf([]byte(unit)))

	t.Run("systemd-analyze verify", func(t *testing.T) {
		analyze, err := exec.LookPath("systemd-analyze")
		if err != nil {
			testutil.MissingPrerequisite(t, "systemd-analyze, to verify the unit (Debian's systemd package): %v", err)
		}
		path := filepath.Join(t.TempDir(), UnitName)
		require.NoError(t, os.WriteFile(path, []byte(unit), 0o644))
		out, err := runCmd(analyze, "verify", path)
		assert.NoError(t, err, "%s", out)
		assert.Empty(t, strings.TrimSpace(out), "systemd has nothing to say about the unit")
	})
}

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// plist is a launchd property list as far as the agent's uses it: one dict.
type plist struct {
	Dict struct {
		Items []plistItem `xml:",any"`
	} `xml:"dict"`
}

type plistItem struct {
	XMLName xml.Name
	Text    string   `xml:",chardata"`
	Strings []string `xml:"string"`
}

func TestLaunchdPlist(t *testing.T) {
	s := testService(t, "/Applications/limactl-logkeep/bin/limactl-logkeep")
	b := s.LaunchdPlist()
	var p plist
	require.NoError(t, xml.Unmarshal(b, &p), "%s", b)
	got := map[string]plistItem{}
	items := p.Dict.Items
	require.Equal(t, 0, len(items)%2, "key/value pairs")
	for i := 0; i < len(items); i += 2 {
		require.Equal(t, "key", items[i].XMLName.Local)
		got[items[i].Text] = items[i+1]
	}
	assert.Equal(t, Label, got["Label"].Text)
	assert.Equal(t, append([]string{s.Program}, s.Args...), got["ProgramArguments"].Strings)
	assert.Equal(t, "true", got["RunAtLoad"].XMLName.Local)
	assert.Equal(t, "true", got["KeepAlive"].XMLName.Local)
	home := s.getenv("HOME")
	assert.Equal(t, filepath.Join(home, "Library", "Logs", "limactl-logkeep-agent.log"), got["StandardErrorPath"].Text)
	assert.Equal(t, []string{"/home/u/.lima", hostile}, HomesOf(b))
}

// fakeRunner records the commands it is asked to run and fails those named in fail.
type fakeRunner struct {
	ran  [][]string
	fail string
}

func (f *fakeRunner) run(_ context.Context, name string, args ...string) ([]byte, error) {
	f.ran = append(f.ran, append([]string{name}, args...))
	if f.fail != "" && strings.Contains(strings.Join(append([]string{name}, args...), " "), f.fail) {
		return []byte("Failed to connect to bus: No medium found\n"), errors.New("exit status 1")
	}
	return nil, nil
}

func TestInstallAndUninstall(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the service commands tested here are systemd's")
	}
	s := testService(t, "/usr/local/bin/limactl-logkeep")
	path, err := s.ServicePath()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(s.getenv("XDG_CONFIG_HOME"), "systemd", "user", UnitName), path)

	f := &fakeRunner{}
	got, err := s.Install(context.Background(), true, f.run)
	require.NoError(t, err)
	assert.Equal(t, path, got)
	assert.Equal(t, string(s.SystemdUnit()), string(mustRead(t, path)))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	assert.Equal(t, [][]string{{"systemctl", "--user", "daemon-reload"}, {"systemctl", "--user", "enable", "--now", UnitName}}, f.ran)
	gotPath, installed, homes, err := s.Installed()
	require.NoError(t, err)
	assert.True(t, installed)
	assert.Equal(t, path, gotPath)
	assert.Equal(t, []string{"/home/u/.lima", hostile}, homes)

	t.Run("no systemd: the unit is written and the error says what to run", func(t *testing.T) {
		f := &fakeRunner{fail: "daemon-reload"}
		_, err := s.Install(context.Background(), true, f.run)
		require.ErrorIs(t, err, ErrNotEnabled)
		assert.Contains(t, err.Error(), "systemctl --user daemon-reload")
		assert.Contains(t, err.Error(), "No medium found")
		assert.NotContains(t, err.Error(), "\n")
		assert.FileExists(t, path)
	})
	t.Run("--no-enable runs nothing", func(t *testing.T) {
		f := &fakeRunner{}
		_, err := s.Install(context.Background(), false, f.run)
		require.NoError(t, err)
		assert.Empty(t, f.ran)
	})
	t.Run("a relative program is refused", func(t *testing.T) {
		_, err := Service{Program: "limactl-logkeep", Getenv: s.Getenv}.Install(context.Background(), false, (&fakeRunner{}).run)
		assert.ErrorContains(t, err, "must be absolute")
	})

	f = &fakeRunner{fail: "disable"}
	removed, warning, err := s.Uninstall(context.Background(), f.run)
	require.NoError(t, err)
	assert.Equal(t, path, removed)
	assert.ErrorContains(t, warning, "systemctl --user disable --now "+UnitName)
	assert.NoFileExists(t, path)
	removed, warning, err = s.Uninstall(context.Background(), f.run)
	require.NoError(t, err)
	assert.NoError(t, warning)
	assert.Empty(t, removed, "nothing to remove")
	_, installed, _, err = s.Installed()
	require.NoError(t, err)
	assert.False(t, installed)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func TestRunCommandAndItsMessages(t *testing.T) {
	out, err := RunCommand(context.Background(), "sh", "-c", "echo hello; echo world >&2")
	require.NoError(t, err)
	assert.Equal(t, "hello\nworld\n", string(out))
	_, err = RunCommand(context.Background(), "sh", "-c", "exit 3")
	assert.Error(t, err)
	assert.Equal(t, "no output", oneLine(nil))
	assert.Equal(t, "a b c", oneLine([]byte("a\n b\tc\n")))
	assert.Len(t, oneLine([]byte(strings.Repeat("x ", 200))), 120)
}

func TestServicePathNeedsAHome(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the systemd path")
	}
	_, err := Service{Getenv: func(string) string { return "" }}.ServicePath()
	assert.ErrorContains(t, err, "neither XDG_CONFIG_HOME nor HOME is set")
	path, err := Service{Getenv: func(n string) string { return map[string]string{"HOME": "/home/u"}[n] }}.ServicePath()
	require.NoError(t, err)
	assert.Equal(t, "/home/u/.config/systemd/user/"+UnitName, path)
	_, _, _, err = Service{Getenv: func(string) string { return "" }}.Installed()
	assert.Error(t, err)
}
