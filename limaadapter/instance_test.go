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
)

// realLimactl returns Lima's limactl built by scripts/setup.sh ($LIMACTL_REAL).
// Without it the test is skipped loudly, and fails in CI.
func realLimactl(t *testing.T) string {
	t.Helper()
	path := os.Getenv("LIMACTL_REAL")
	if path == "" {
		msg := "LIMACTL_REAL is not set: run the tests with `make test` (scripts/setup.sh builds Lima v1.2.1)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED LOUDLY: " + msg)
	}
	return path
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

func TestInspectRealInstance(t *testing.T) {
	limactl := realLimactl(t)
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
