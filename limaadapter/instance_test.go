// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// realLimactls returns the real limactl of each Lima version the project
// supports, v2.2.0 ($LIMACTL_V2) and v1.2.1 ($LIMACTL_V1), built by
// scripts/setup.sh. A missing one skips the test loudly, and fails it in CI.
func realLimactls(t *testing.T) map[string]string {
	t.Helper()
	limactls := map[string]string{}
	for version, env := range map[string]string{"v2.2.0": "LIMACTL_V2", "v1.2.1": "LIMACTL_V1"} {
		if path := os.Getenv(env); path != "" {
			limactls[version] = path
			continue
		}
		testutil.MissingPrerequisite(t, "%s is not set: run the tests with `make test` (scripts/setup.sh builds Lima %s)", env, version)
	}
	return limactls
}

// createInstance makes a stopped instance with the real `limactl create`, from a
// template whose image is an empty local file: nothing boots, nothing downloads.
func createInstance(t *testing.T, limactl, name string) string {
	t.Helper()
	home := os.Getenv("LIMA_HOME")
	image := filepath.Join(t.TempDir(), "empty.img")
	require.NoError(t, os.WriteFile(image, nil, 0o644))
	tmpl := filepath.Join(t.TempDir(), "t.yaml")
	require.NoError(t, os.WriteFile(tmpl, []byte("images:\n- location: "+image+"\n  arch: x86_64\nplain: true\n"), 0o644))
	out, err := exec.Command(limactl, "--tty=false", "create", "--name", name, tmpl).CombinedOutput()
	require.NoError(t, err, "limactl create: %s", out)
	return filepath.Join(home, name)
}

// TestInspectRealInstance inspects an instance made by each real limactl: the
// layout of Lima v1.2.1's instances is served as Lima v2.2.0's.
func TestInspectRealInstance(t *testing.T) {
	for version, limactl := range realLimactls(t) {
		t.Run(version, func(t *testing.T) { testInspectRealInstance(t, limactl) })
	}
}

func testInspectRealInstance(t *testing.T, limactl string) {
	t.Setenv("LIMA_HOME", t.TempDir())
	dir := createInstance(t, limactl, "vm")
	in := Inspector{Limactl: Limactl{Path: limactl}}

	inst, err := in.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.Equal(t, Instance{Name: "vm", Dir: dir, Status: "Stopped"}, inst)
	assert.True(t, inst.Stopped())

	out, err := exec.Command(limactl, "protect", "vm").CombinedOutput()
	require.NoError(t, err, "%s", out)
	inst, err = in.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.True(t, inst.Protected)

	_, err = in.Inspect(context.Background(), "ghost")
	assert.ErrorIs(t, err, ErrNoInstance)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestInspectInvalidNameReadsNothing(t *testing.T) {
	for _, name := range []string{"../x", "/etc", "a/b", "", "a\x00b"} {
		_, err := Inspector{}.Inspect(context.Background(), name)
		require.Error(t, err, "%q", name)
		assert.Contains(t, err.Error(), "invalid instance name")
	}
}

// An instance written by a newer Lima (an unknown vmType) whose pid files leave
// the status in doubt (a driver alive, no host agent): the status then comes from
// the real limactl, faked here.
func TestInspectAsksLimactlWhenThePIDFilesCannotTell(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	dir := filepath.Join(home, "vm")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte("vmType: krunkit\nfutureField: {a: 1}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "krunkit.pid"), []byte(strconv.Itoa(liveProcess(t))), 0o644))
	fake := filepath.Join(t.TempDir(), "limactl")
	writeExecutable(t, fake, "#!/bin/sh\n[ \"$*\" = 'list --json vm' ] || exit 9\necho '{\"name\":\"vm\",\"status\":\"Broken\",\"vmType\":\"krunkit\"}'\n")

	inst, err := Inspector{Limactl: Limactl{Path: fake}}.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.Equal(t, "Broken", inst.Status)

	writeExecutable(t, fake, "#!/bin/sh\necho 'boom' >&2; exit 1\n")
	_, err = Inspector{Limactl: Limactl{Path: fake}}.Inspect(context.Background(), "vm")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "boom")
	assert.Contains(t, err.Error(), "a driver process is alive, its host agent (ha.pid) is not")

	_, err = Inspector{}.Inspect(context.Background(), "vm")
	require.ErrorIs(t, err, ErrLimactlNotFound)
}

// TestLogNames pins the logs rotated and preserved, consoles first: what Lima
// v2.2.0 removes or truncates at start, then what it appends to across boots.
func TestLogNames(t *testing.T) {
	assert.Equal(t, []string{"serial.log", "serialp.log", "serialv.log", "ha.stdout.log", "ha.stderr.log",
		"driver.stderr.log", "krunkit.log", "launchd.stdout.log", "launchd.stderr.log"}, LogNames)
	assert.Equal(t, []string{"serial", "serialp", "serialv", "ha.stdout", "ha.stderr",
		"driver.stderr", "krunkit", "launchd.stdout", "launchd.stderr"}, LogBases())
	dir := t.TempDir()
	assert.Equal(t, []string{"serial.log", "serialp.log", "serialv.log"}, ConsoleLogs(dir))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vz-identifier"), nil, 0o644))
	assert.Equal(t, []string{"serialv.log", "serial.log", "serialp.log"}, ConsoleLogs(dir))
}
