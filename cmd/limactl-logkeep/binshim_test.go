// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
)

// shimName is the binary shim's file name on this platform.
func shimName() string {
	if runtime.GOOS == "windows" {
		return "limactl.exe"
	}
	return "limactl"
}

// binaryShims returns this test binary (limactl-logkeep, see TestMain) installed
// as the binary shim twice: a copy and a symbolic link, each named limactl in a
// directory of its own.
func binaryShims(t *testing.T) map[string]string {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	copyPath := filepath.Join(t.TempDir(), shimName())
	src, err := os.Open(self)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(copyPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
	shims := map[string]string{"copy": copyPath}
	if runtime.GOOS != "windows" {
		link := filepath.Join(t.TempDir(), shimName())
		require.NoError(t, os.Symlink(self, link))
		shims["symlink"] = link
	}
	return shims
}

// runShim runs the binary shim at path as a user typing `limactl ARGS` would
// (argv[0] is "limactl"), in a minimal environment plus env.
func runShim(t *testing.T, path string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Args[0] = "limactl"
	cmd.Env = append(append(coverEnv(), "LOGKEEP_TEST_RUN_MAIN=1", "HOME="+os.Getenv("HOME")), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	status, err := limaadapter.ExitStatus(cmd.Run())
	require.NoError(t, err)
	return result{stdout.String(), stderr.String(), status}
}

// shimPath is a PATH with dirs first, then the test's own.
func shimPath(dirs ...string) string {
	return "PATH=" + strings.Join(append(dirs, os.Getenv("PATH")), string(os.PathListSeparator))
}

func TestBinaryShimActsAsWrap(t *testing.T) {
	for kind, shim := range binaryShims(t) {
		t.Run(kind+" passes a command through", func(t *testing.T) {
			limactl, argsFile := fakeLimactl(t)
			args := []string{"list", "--json", "", "a b", "--", "--limactl=x", "wrap"}
			// As installed: the shim's directory first on PATH, LIMACTL unset.
			r := runShim(t, shim, []string{shimPath(filepath.Dir(shim), filepath.Dir(limactl)), "FAKE_STATUS=7", "LIMA_HOME=" + t.TempDir()}, args...)
			assert.Equal(t, 7, r.status, "%+v", r)
			assert.Equal(t, "fake limactl\n", r.stdout)
			assert.Equal(t, "fake stderr\n", r.stderr)
			assert.Equal(t, strings.Join(args, "\n")+"\n", read(t, argsFile))
		})
		t.Run(kind+" rotates at start", func(t *testing.T) {
			home := t.TempDir()
			dir := instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
			limactl, argsFile := fakeLimactl(t)
			r := runShim(t, shim, []string{shimPath(filepath.Dir(shim), filepath.Dir(limactl)), "FAKE_STATUS=3", "LIMA_HOME=" + home}, "start", "vm", "--timeout=1m")
			assert.Equal(t, 3, r.status, "%+v", r)
			assert.Equal(t, "start\nvm\n--timeout=1m\n", read(t, argsFile))
			assert.Equal(t, "boot A\n", read(t, filepath.Join(dir, "serial.1.log")))
		})
	}
}

// Two binary shims first on PATH (a copy is not the running executable) and no
// real limactl after them: the lookup skips both and says so, instead of
// running one shim from the other in a loop.
func TestBinaryShimsNeverRunEachOther(t *testing.T) {
	shims := binaryShims(t)
	var dirs []string
	for _, shim := range shims {
		dirs = append(dirs, filepath.Dir(shim))
	}
	for kind, shim := range shims {
		r := runShim(t, shim, []string{"PATH=" + strings.Join(dirs, string(os.PathListSeparator)), "LIMA_HOME=" + t.TempDir()}, "list")
		assert.Equal(t, 1, r.status, "%s: %+v", kind, r)
		assert.Contains(t, r.stderr, "real limactl not found", kind)
		assert.Empty(t, r.stdout, kind)
	}
}

// --limactl naming the binary shim is an error that names it.
func TestLimactlFlagNamingTheBinaryShimIsAnError(t *testing.T) {
	for kind, shim := range binaryShims(t) {
		r := run(t, map[string]string{"LIMA_HOME": t.TempDir()}, "--limactl", shim, "wrap", "list")
		assert.Equal(t, 1, r.status, "%s: %+v", kind, r)
		assert.Contains(t, r.stderr, shim, kind)
		assert.Contains(t, r.stderr, "not the real limactl", kind)
	}
}
