package hooks

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lima-vm/lima/v2/pkg/autostart/launchd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// Forgetting under launchd changes nothing when there is nothing to undo: no
// agent at all, or Lima's own agent that does not go through limactl-logkeep.
func TestForgetServiceBootsLaunchdNothingToUndo(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("HOME", t.TempDir())
	s := ServiceBoots{Manager: Launchd, Logkeep: "/usr/local/bin/limactl-logkeep"}

	path, err := fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Empty(t, path)

	plist, err := limaadapter.LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	limas := limaEntry(t, launchd.Template, plist, "/opt/homebrew/bin/limactl", "vm1")
	path, err = fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Empty(t, path)
	assert.Equal(t, string(limas), readFile(t, plist), "Lima's agent is left as it is")
}

func TestKeepServiceBootsNeedsAnAbsoluteProgram(t *testing.T) {
	fx, unit, _ := systemdFixture(t)
	_, err := fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: "limactl-logkeep"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"limactl-logkeep"`)
	assert.NoDirExists(t, unit+".d", "nothing is written")
}

func TestServiceBootsStatusNotRegistered(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	st, err := fx.hooks.ServiceBootsStatus("vm1", ServiceBoots{Manager: Systemd, Logkeep: "/lk"})
	require.NoError(t, err)
	assert.False(t, st.Registered)
	assert.False(t, st.Present)
	assert.False(t, st.Current)
	assert.Equal(t, filepath.Join(st.Entry+".d", limaadapter.DropInName), st.Kept)
}

func TestFactoryResetKeepLogsRefusesABadName(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	status, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"../vm"}})
	require.Error(t, err)
	assert.Equal(t, 1, status)
	assert.Contains(t, err.Error(), "../vm")
	assert.Empty(t, fx.lima.runs)
	assert.Empty(t, fx.lima.execs, "limactl is not run")
}

// An agent that is not Lima's start-at-login agent is an error that names its plist.
func TestForgetServiceBootsLaunchdNamesAForeignPlist(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("HOME", t.TempDir())
	plist, err := limaadapter.LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(plist), 0o755))
	foreign := "<plist><dict><key>ProgramArguments</key><array><string>/bin/true</string></array></dict></plist>\n"
	require.NoError(t, os.WriteFile(plist, []byte(foreign), 0o644))

	path, err := fx.hooks.ForgetServiceBoots("vm1", ServiceBoots{Manager: Launchd, Logkeep: "/lk"})
	require.ErrorIs(t, err, limaadapter.ErrNotLimaPlist)
	assert.ErrorContains(t, err, plist+": ")
	assert.Empty(t, path)
	assert.Equal(t, foreign, readFile(t, plist), "left as it is")
}
