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
		map[string]string{"Binary": limactl, "Instance": name, "WorkDir": dir}))
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

// The plist transformation on Lima v2.2.0's own template, rendered for an
// instance as Lima renders it.
func TestLaunchdThroughLogkeep(t *testing.T) {
	lima := renderLima(t, launchd.Template, "/opt/homebrew/bin/limactl", "vm-1", "/Users/u/.lima/vm-1")
	prog, err := ParseLaunchdProgram(lima)
	require.NoError(t, err)
	assert.Equal(t, LaunchdProgram{Limactl: "/opt/homebrew/bin/limactl", Instance: "vm-1"}, prog)

	logkeep := "/Users/u/bin/limactl-logkeep & co"
	ours, err := LaunchdThroughLogkeep(lima, logkeep, []string{"--max-backups=3", "--keep-logs"})
	require.NoError(t, err)
	args, err := programArguments(ours)
	require.NoError(t, err)
	assert.Equal(t, []string{logkeep, "--max-backups=3", "--keep-logs", "--limactl=/opt/homebrew/bin/limactl",
		"wrap", "start", "vm-1", "--foreground"}, args)
	assert.Contains(t, string(ours), "\t\t<string>/Users/u/bin/limactl-logkeep &amp; co</string>\n\t\t<string>--max-backups=3</string>")
	assert.Equal(t, strings.Replace(string(lima), "<string>/opt/homebrew/bin/limactl</string>",
		"<string>/Users/u/bin/limactl-logkeep &amp; co</string>\n\t\t<string>--max-backups=3</string>\n\t\t<string>--keep-logs</string>\n\t\t<string>--limactl=/opt/homebrew/bin/limactl</string>\n\t\t<string>wrap</string>", 1),
		string(ours), "only ProgramArguments change")

	again, err := LaunchdThroughLogkeep(ours, logkeep, []string{"--max-backups=5"})
	require.NoError(t, err)
	prog, err = ParseLaunchdProgram(again)
	require.NoError(t, err)
	assert.Equal(t, []string{"--max-backups=5"}, prog.Options)
	assert.Equal(t, "/opt/homebrew/bin/limactl", prog.Limactl)

	back, err := LaunchdThroughLogkeep(ours, "", nil)
	require.NoError(t, err)
	assert.Equal(t, string(lima), string(back), "undo gives Lima's plist back byte for byte")
}

func TestLaunchdThroughLogkeepRefusesOtherPlists(t *testing.T) {
	for name, plist := range map[string]string{
		"no ProgramArguments": `<plist><dict><key>Label</key><string>x</string></dict></plist>`,
		"not start":           `<key>ProgramArguments</key><array><string>/limactl</string><string>stop</string><string>vm</string><string>--foreground</string></array>`,
		"not foreground":      `<key>ProgramArguments</key><array><string>/limactl</string><string>start</string><string>vm</string><string>-x</string></array>`,
		"not wrap":            `<key>ProgramArguments</key><array><string>/lk</string><string>--limactl=/l</string><string>run</string><string>start</string><string>vm</string><string>--foreground</string></array>`,
	} {
		_, err := LaunchdThroughLogkeep([]byte(plist), "/lk", nil)
		assert.ErrorIs(t, err, ErrNotLimaPlist, name)
	}
}
