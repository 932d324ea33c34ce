// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/lima-vm/lima/v2/pkg/autostart/launchd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"howett.net/plist"
)

// limaModule and limaVersion are the Lima module whose start-at-login files
// testdata/autostart copies.
const (
	limaModule  = "github.com/lima-vm/lima/v2"
	limaVersion = "v2.2.0"
)

func envOf(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

// TestAutostartPathsAreLimas holds the paths to Lima's own functions where
// they can be linked (launchd), and to Lima's rules otherwise.
func TestAutostartPathsAreLimas(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	path, err := LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	assert.Equal(t, launchd.GetPlistPath("vm1"), path)
	assert.Equal(t, launchd.ServiceNameFrom("vm1"), launchdLabel("vm1"))

	unit, err := SystemdUnitPath("vm1", envOf(map[string]string{"HOME": "/home/u"}))
	require.NoError(t, err)
	assert.Equal(t, "/home/u/.config/systemd/user/lima-vm@vm1.service", unit)
	unit, err = SystemdUnitPath("vm1", envOf(map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"}))
	require.NoError(t, err)
	assert.Equal(t, "/cfg/systemd/user/lima-vm@vm1.service", unit)
	dropIn, err := SystemdDropInPath("vm1", envOf(map[string]string{"XDG_CONFIG_HOME": "/cfg"}))
	require.NoError(t, err)
	assert.Equal(t, "/cfg/systemd/user/lima-vm@vm1.service.d/limactl-logkeep.conf", dropIn)

	_, err = SystemdUnitPath("../x", envOf(map[string]string{"HOME": "/home/u"}))
	assert.ErrorContains(t, err, "invalid instance name")
	_, err = SystemdUnitPath("vm1", envOf(nil))
	assert.ErrorContains(t, err, "HOME")
}

// TestSystemdTemplateIsLimas: testdata's unit template is Lima v2.2.0's
// (its systemd package cannot be linked here: it needs go-systemd).
func TestSystemdTemplateIsLimas(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	require.NoError(t, err)
	require.Contains(t, string(mod), "\t"+limaModule+" "+limaVersion+"\n",
		"testdata/autostart holds Lima %s's start-at-login templates: copy them from the version go.mod requires (%s/pkg/autostart)", limaVersion, limaModule)
	ours, err := os.ReadFile(filepath.Join("testdata", "autostart", "lima-vm@INSTANCE.service"))
	require.NoError(t, err)
	if cache := os.Getenv("GOMODCACHE"); cache != "" {
		limas, err := os.ReadFile(filepath.Join(cache, limaModule+"@"+limaVersion, "pkg", "autostart", "systemd", "lima-vm@INSTANCE.service"))
		if err == nil {
			assert.Equal(t, string(limas), string(ours))
		}
	}
	assert.Contains(t, string(ours), "ExecStart={{.Binary}} start %i --foreground\n")
}

// renderLima renders one of Lima's start-at-login templates as Lima's
// RegisterToStartAtLogin does.
func renderLima(t *testing.T, tmpl, limactl, name, dir string) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, template.Must(template.New("").Parse(tmpl)).Execute(&out,
		map[string]string{"Binary": limactl, "Instance": name, "WorkDir": dir, "UserName": "u"}))
	return out.Bytes()
}

func TestUnitExecStart(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join("testdata", "autostart", "lima-vm@INSTANCE.service"))
	require.NoError(t, err)
	dir := t.TempDir()
	unit := filepath.Join(dir, "lima-vm@vm1.service")
	require.NoError(t, os.WriteFile(unit, renderLima(t, string(tmpl), "/opt/lima/bin/limactl", "vm1", ""), 0o644))
	got, err := UnitExecStart(unit)
	require.NoError(t, err)
	assert.Equal(t, "/opt/lima/bin/limactl", got)

	_, err = UnitExecStart(filepath.Join(dir, "missing.service"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, os.WriteFile(unit, []byte("[Service]\nType=simple\n"), 0o644))
	_, err = UnitExecStart(unit)
	assert.ErrorContains(t, err, "no ExecStart")
}

func TestSystemdQuote(t *testing.T) {
	assert.Equal(t, `"/a b/x"`, SystemdQuote("/a b/x"))
	assert.Equal(t, `"100%%$HOME\\\"q"`, SystemdQuote(`100%$HOME\"q`))
	assert.Equal(t, `"100%%$$HOME\\\"q"`, SystemdQuoteArg(`100%$HOME\"q`))
}

// decodePlist reads a plist's top-level dictionary.
func decodePlist(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var dict map[string]any
	_, err := plist.Unmarshal(data, &dict)
	require.NoError(t, err)
	return dict
}

// The plist transformation on Lima v2.2.0's own template, rendered for an
// instance as Lima renders it.
func TestLaunchdThroughLogkeep(t *testing.T) {
	lima := renderLima(t, launchd.Template, "/opt/homebrew/bin/limactl", "vm-1", "/Users/u/.lima/vm-1")
	prog, err := ParseLaunchdProgram(lima)
	require.NoError(t, err)
	assert.Equal(t, LaunchdProgram{Limactl: "/opt/homebrew/bin/limactl", Instance: "vm-1"}, prog)

	logkeep := "/Users/u/bin/limactl-logkeep & co"
	options := []string{"--max-backups=3", "--keep-logs"}
	ours, err := LaunchdThroughLogkeep(lima, logkeep, options)
	require.NoError(t, err)
	args := decodePlist(t, ours)["ProgramArguments"]
	assert.Equal(t, []any{logkeep, "--max-backups=3", "--keep-logs", "--limactl=/opt/homebrew/bin/limactl",
		"wrap", "start", "vm-1", "--foreground"}, args)
	assert.Contains(t, string(ours), "<string>/Users/u/bin/limactl-logkeep &amp; co</string>")
	limaDict, oursDict := decodePlist(t, lima), decodePlist(t, ours)
	delete(limaDict, "ProgramArguments")
	delete(oursDict, "ProgramArguments")
	assert.Equal(t, limaDict, oursDict, "only ProgramArguments change")
	assert.Len(t, oursDict, 6, "Label, RunAtLoad, StandardErrorPath, StandardOutPath, WorkingDirectory, ProcessType")

	same, err := LaunchdThroughLogkeep(ours, logkeep, options)
	require.NoError(t, err)
	assert.Equal(t, string(ours), string(same), "the same program and options give the same bytes (ServiceBootsStatus compares them)")

	again, err := LaunchdThroughLogkeep(ours, logkeep, []string{"--max-backups=5"})
	require.NoError(t, err)
	prog, err = ParseLaunchdProgram(again)
	require.NoError(t, err)
	assert.Equal(t, []string{"--max-backups=5"}, prog.Options)
	assert.Equal(t, "/opt/homebrew/bin/limactl", prog.Limactl)

	back, err := LaunchdThroughLogkeep(ours, "", nil)
	require.NoError(t, err)
	assert.Equal(t, decodePlist(t, lima), decodePlist(t, back), "undo gives Lima's plist back, every key and value")
	assert.True(t, strings.HasPrefix(string(back), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<!DOCTYPE plist"), "%s", back)
	assert.True(t, strings.HasSuffix(string(back), "</plist>\n"), "%q", back)
}

// Each of Lima v2.2.0's launchd templates (pkg/autostart/launchd, embedded from
// the module), rendered as Lima renders it, goes through limactl-logkeep and
// back with every key and value of Lima's, in XML and in binary form.
func TestLimasLaunchdTemplatesRoundTrip(t *testing.T) {
	for name, tmpl := range map[string]string{"io.lima-vm.autostart.INSTANCE.plist": launchd.Template,
		"io.lima-vm.daemon.INSTANCE.plist": launchd.DaemonTemplate} {
		xmlPlist := renderLima(t, tmpl, "/usr/local/bin/limactl", "vm", "/Users/u/.lima/vm")
		want := decodePlist(t, xmlPlist)
		require.Contains(t, want, "WorkingDirectory", name)
		binPlist, err := plist.Marshal(want, plist.BinaryFormat)
		require.NoError(t, err)
		for form, lima := range map[string][]byte{"xml": xmlPlist, "binary": binPlist} {
			ours, err := LaunchdThroughLogkeep(lima, "/opt/lk/limactl-logkeep", []string{"--max-backups=2"})
			require.NoError(t, err, "%s %s", name, form)
			assert.Equal(t, form == "binary", strings.HasPrefix(string(ours), "bplist"), "%s %s keeps its form", name, form)
			prog, err := ParseLaunchdProgram(ours)
			require.NoError(t, err)
			assert.Equal(t, LaunchdProgram{Limactl: "/usr/local/bin/limactl", Instance: "vm", Logkeep: "/opt/lk/limactl-logkeep",
				Options: []string{"--max-backups=2"}}, prog, "%s %s", name, form)
			back, err := LaunchdThroughLogkeep(ours, "", nil)
			require.NoError(t, err)
			assert.Equal(t, want, decodePlist(t, back), "%s %s: Lima's plist back", name, form)
		}
	}
}

func TestLaunchdThroughLogkeepRefusesOtherPlists(t *testing.T) {
	agent := func(body string) string {
		return "<plist><dict><key>Label</key><string>x</string>" + body + "</dict></plist>"
	}
	for name, plist := range map[string]string{
		"no ProgramArguments": agent(""),
		"not an array":        agent(`<key>ProgramArguments</key><string>/limactl start vm --foreground</string>`),
		"not strings":         agent(`<key>ProgramArguments</key><array><string>/limactl</string><string>start</string><string>vm</string><integer>1</integer></array>`),
		"not start":           agent(`<key>ProgramArguments</key><array><string>/limactl</string><string>stop</string><string>vm</string><string>--foreground</string></array>`),
		"not foreground":      agent(`<key>ProgramArguments</key><array><string>/limactl</string><string>start</string><string>vm</string><string>-x</string></array>`),
		"not wrap":            agent(`<key>ProgramArguments</key><array><string>/lk</string><string>--limactl=/l</string><string>run</string><string>start</string><string>vm</string><string>--foreground</string></array>`),
		"not a dictionary":    `<plist><array><string>/limactl</string></array></plist>`,
		"an OpenStep plist":   `{ ProgramArguments = (/limactl, start, vm, "--foreground"); }`,
	} {
		_, err := LaunchdThroughLogkeep([]byte(plist), "/lk", nil)
		assert.ErrorIs(t, err, ErrNotLimaPlist, name)
		_, err = ParseLaunchdProgram([]byte(plist))
		assert.ErrorIs(t, err, ErrNotLimaPlist, name)
	}
	for _, broken := range []string{`<key>ProgramArguments</key><array><string>/limactl</string></array>`, `<plist><dict><key>ProgramArguments</key><array><string>x</array></dict></plist>`, "bplist00\x01"} {
		_, err := LaunchdThroughLogkeep([]byte(broken), "/lk", nil)
		assert.ErrorContains(t, err, "cannot read the plist", broken)
	}
}

// The drop-in sets LIMA_HOME for the service and runs the rotation first, every
// word quoted for systemd: % doubled everywhere, $ doubled in arguments.
func TestSystemdDropIn(t *testing.T) {
	got := string(SystemdDropIn("vm1", "/h/100%", "/opt/log keep", "/opt/$lima/limactl", []string{"--max-backups=3", "--compress"}))
	assert.Contains(t, got, "# lima-vm@vm1.service (each Restart=on-failure retry too)")
	assert.Contains(t, got, "\n[Service]\nEnvironment=\"LIMA_HOME=/h/100%%\"\n")
	assert.Contains(t, got, "\nExecStartPre=\"/opt/log keep\" \"--limactl=/opt/$$lima/limactl\" \"--max-backups=3\" \"--compress\" start-at-login --before-boot vm1\n")
	assert.Contains(t, got, "start-at-login --enabled=false vm1\n")
}
