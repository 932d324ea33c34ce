// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

func writeExecutable(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o755))
}

func shimScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "scripts", "limactl"))
	require.NoError(t, err, "the shim is scripts/limactl")
	return string(b)
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestFindLimactlSkipsTheShimFirstOnPath(t *testing.T) {
	dir := t.TempDir()
	shimDir, realDir := filepath.Join(dir, "shim"), filepath.Join(dir, "lima", "bin")
	writeExecutable(t, filepath.Join(shimDir, "limactl"), shimScript(t))
	writeExecutable(t, filepath.Join(dir, "copy", "limactl"), shimScript(t)) // a copy elsewhere on PATH
	writeExecutable(t, filepath.Join(realDir, "limactl"), "#!/bin/sh\necho real\n")

	path := shimDir + string(os.PathListSeparator) + filepath.Join(dir, "copy") + string(os.PathListSeparator) + realDir
	got, err := FindLimactl("", env(map[string]string{"PATH": path}))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(realDir, "limactl"), got)
}

func TestFindLimactlSkipsItself(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.Symlink(self, filepath.Join(dir, "limactl")))

	_, err = FindLimactl("", env(map[string]string{"PATH": dir}))
	assert.ErrorIs(t, err, ErrLimactlNotFound)
}

func TestFindLimactlOnlyShimsIsNotFound(t *testing.T) {
	dir := t.TempDir()
	writeExecutable(t, filepath.Join(dir, "limactl"), shimScript(t))

	_, err := FindLimactl("", env(map[string]string{"PATH": dir, "LIMACTL": filepath.Join(dir, "limactl")}))
	assert.ErrorIs(t, err, ErrLimactlNotFound)
	assert.Contains(t, err.Error(), `no "limactl" in PATH`) // the CLI adds how to give one (--limactl)
}

func TestFindLimactlExplicitShimIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeExecutable(t, filepath.Join(dir, "limactl"), shimScript(t))

	_, err := FindLimactl(filepath.Join(dir, "limactl"), env(nil))
	assert.ErrorIs(t, err, ErrNotRealLimactl)
}

func TestFindLimactlPrefersFlagThenEnv(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a", "limactl"), filepath.Join(dir, "b", "limactl"), filepath.Join(dir, "c", "limactl")
	for _, p := range []string{a, b, c} {
		writeExecutable(t, p, "#!/bin/sh\n")
	}
	vars := map[string]string{"LIMACTL": b, "PATH": filepath.Dir(c)}
	got, err := FindLimactl(a, env(vars))
	require.NoError(t, err)
	assert.Equal(t, a, got)
	got, err = FindLimactl("", env(vars))
	require.NoError(t, err)
	assert.Equal(t, b, got)
	delete(vars, "LIMACTL")
	got, err = FindLimactl("", env(vars))
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestFindLimactlMissingExplicitNamesThePath(t *testing.T) {
	_, err := FindLimactl("/nonexistent/limactl", env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/limactl")
}

// copyExecutable copies this test binary (a Go program of limactl-logkeep's
// module, like limactl-logkeep itself) to path.
func copyExecutable(t *testing.T, path string) {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	b, err := os.ReadFile(self)
	require.NoError(t, err)
	writeExecutable(t, path, string(b))
}

func TestFindLimactlSkipsABinaryShimCopy(t *testing.T) {
	dir := t.TempDir()
	copyDir, realDir := filepath.Join(dir, "copy"), filepath.Join(dir, "real")
	copyExecutable(t, filepath.Join(copyDir, "limactl"))
	writeExecutable(t, filepath.Join(realDir, "limactl"), "#!/bin/sh\necho real\n")

	vars := map[string]string{"PATH": copyDir + string(os.PathListSeparator) + realDir, "LIMACTL": filepath.Join(copyDir, "limactl")}
	got, err := FindLimactl("", env(vars))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(realDir, "limactl"), got)

	_, err = FindLimactl(filepath.Join(copyDir, "limactl"), env(nil))
	assert.ErrorIs(t, err, ErrNotRealLimactl)
	assert.Contains(t, err.Error(), filepath.Join(copyDir, "limactl"))
	assert.Contains(t, err.Error(), "copy of limactl-logkeep")
}

// A Go program of another module (here the go command) is a real limactl
// candidate: only limactl-logkeep's own module is taken for a shim.
func TestFindLimactlAcceptsAnotherGoProgram(t *testing.T) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	b, err := os.ReadFile(goCmd)
	if err != nil {
		testutil.MissingPrerequisite(t, "the go command, to copy as another Go program: %v", err)
	}
	path := filepath.Join(t.TempDir(), "limactl")
	writeExecutable(t, path, string(b))
	got, err := FindLimactl(path, env(nil))
	require.NoError(t, err)
	assert.Equal(t, path, got)
}

func TestIsShimName(t *testing.T) {
	for arg0, want := range map[string]bool{
		"limactl": true, "/usr/local/libexec/limactl-logkeep/limactl": true, "./limactl": true,
		"limactl-logkeep": false, "/usr/local/bin/limactl-logkeep": false, "limactl2": false, "": false,
	} {
		assert.Equal(t, want, IsShimName(arg0), arg0)
	}
}

// Lima's lima script exports LIMACTL=limactl (a bare name) when LIMACTL is set but
// empty: the name is looked up in PATH, shims skipped, never in the current directory.
func TestFindLimactlBareNameInEnvIsLookedUpInPath(t *testing.T) {
	dir := t.TempDir()
	shimDir, realDir := filepath.Join(dir, "shim"), filepath.Join(dir, "lima", "bin")
	writeExecutable(t, filepath.Join(shimDir, "limactl"), shimScript(t))
	writeExecutable(t, filepath.Join(realDir, "limactl"), "#!/bin/sh\necho real\n")
	t.Chdir(t.TempDir())

	path := shimDir + string(os.PathListSeparator) + realDir
	got, err := FindLimactl("", env(map[string]string{"PATH": path, "LIMACTL": "limactl"}))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(realDir, "limactl"), got)

	_, err = FindLimactl("", env(map[string]string{"PATH": shimDir, "LIMACTL": "limactl"}))
	assert.ErrorIs(t, err, ErrLimactlNotFound)
}

// The plugin entry scripts/limactl-logkeep (installed as <prefix>/bin/limactl-logkeep,
// on PATH) is never taken for the real limactl: not through LIMACTL, not as --limactl,
// not when a copy of it is named limactl on PATH.
func TestFindLimactlSkipsThePluginEntry(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "scripts", "limactl-logkeep"))
	require.NoError(t, err, "the plugin entry is scripts/limactl-logkeep")
	require.Contains(t, string(b), EntryMarker)
	dir := t.TempDir()
	entry, copyDir, realDir := filepath.Join(dir, "bin", "limactl-logkeep"), filepath.Join(dir, "copy"), filepath.Join(dir, "real")
	writeExecutable(t, entry, string(b))
	writeExecutable(t, filepath.Join(copyDir, "limactl"), string(b))
	writeExecutable(t, filepath.Join(realDir, "limactl"), "#!/bin/sh\necho real\n")

	vars := map[string]string{"LIMACTL": entry, "PATH": copyDir + string(os.PathListSeparator) + realDir}
	got, err := FindLimactl("", env(vars))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(realDir, "limactl"), got)

	_, err = FindLimactl(entry, env(nil))
	assert.ErrorIs(t, err, ErrNotRealLimactl)
	assert.Contains(t, err.Error(), "plugin entry")
}
