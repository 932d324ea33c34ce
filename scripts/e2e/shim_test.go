// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// The drop-in: scripts/limactl first on PATH, LIMACTL unset. Every command goes
// through it; list is identical to the real one; start rotates; factory-reset
// with RDD_KEEP_LOGS preserves.
func TestDropInShim(t *testing.T) {
	t.Parallel()
	forEachVersion(t, dropInShim)
}

func dropInShim(t *testing.T, l *lima) {
	_, run := l.shim(t)
	shim := func(env []string, args ...string) result {
		t.Helper()
		return run(nil, env, "limactl", args...)
	}

	dir := filepath.Join(l.home, "shim")
	l.must(shim(nil, "--tty=false", "create", "--name=shim", os.Getenv("LOGKEEP_TINY_YAML")))
	began := time.Now()
	l.must(shim(nil, "start", "shim"))
	timed(t, "boot 1: limactl start through the shim", began)
	boot1 := marker(t, filepath.Join(dir, "serial.log"))

	t.Run("list is the real limactl's, byte for byte", func(t *testing.T) {
		for _, args := range [][]string{{"list"}, {"list", "--json"}, {"list", "-q"}, {"list", "ghost"}, {"list", "--no-such-flag"}} {
			got, want := shim(nil, args...), l.limactl(args...)
			assert.Equal(t, want.status, got.status, "%q", args)
			assert.Equal(t, want.stdout, got.stdout, "%q", args)
			assert.Equal(t, withoutTimes(want.stderr), withoutTimes(got.stderr), "%q", args)
		}
	})

	began = time.Now()
	l.must(shim(nil, "stop", "shim"))
	l.must(shim(nil, "start", "shim"))
	timed(t, "boot 2: stop and start through the shim", began)
	boot2 := marker(t, filepath.Join(dir, "serial.log"))
	assert.Equal(t, boot1, marker(t, filepath.Join(dir, "serial.1.log")), "start through the shim rotates")

	began = time.Now()
	l.must(shim([]string{"RDD_KEEP_LOGS=1"}, "factory-reset", "shim"))
	timed(t, "factory-reset with RDD_KEEP_LOGS=1 through the shim", began)
	t.Run("factory-reset with RDD_KEEP_LOGS keeps the logs, the instance stays", func(t *testing.T) {
		assert.Equal(t, "Stopped", l.status("shim"))
		assert.NoFileExists(t, filepath.Join(dir, "serial.log"))
		sets := testutil.DirNames(t, filepath.Join(l.home, "_logkeep", "shim"))
		require.Len(t, sets, 1)
		set := filepath.Join(l.home, "_logkeep", "shim", sets[0])
		assert.Equal(t, boot2, marker(t, filepath.Join(set, "serial.log")))
		assert.Equal(t, boot1, marker(t, filepath.Join(set, "serial.1.log")))
	})

	l.must(shim(nil, "delete", "shim"))
	assert.NoDirExists(t, dir)
}

// The binary shim: limactl-logkeep itself first on PATH under the name limactl
// (a symlink, as `make install` puts it, and a copy), LIMACTL unset. list is the
// real limactl's byte for byte through both; a start through the symlink rotates.
func TestBinaryShim(t *testing.T) {
	t.Parallel()
	forEachVersion(t, binaryShimScenario)
}

func binaryShimScenario(t *testing.T, l *lima) {
	link, copied := binaryShim(t, l, false), binaryShim(t, l, true)
	l.create("bin")
	dir := filepath.Join(l.home, "bin")

	t.Run("list is the real limactl's, byte for byte, through a link and a copy", func(t *testing.T) {
		for _, args := range [][]string{{"list"}, {"list", "--json"}, {"list", "-q"}, {"list", "ghost"}, {"list", "--no-such-flag"}} {
			want := l.limactl(args...)
			for how, shim := range map[string]func([]string, ...string) result{"link": link, "copy": copied} {
				got := shim(nil, args...)
				assert.Equal(t, want.status, got.status, "%s %q", how, args)
				assert.Equal(t, want.stdout, got.stdout, "%s %q", how, args)
				assert.Equal(t, withoutTimes(want.stderr), withoutTimes(got.stderr), "%s %q", how, args)
			}
		}
	})

	began := time.Now()
	l.must(link(nil, "start", "bin"))
	timed(t, "boot 1: limactl start through the binary shim", began)
	boot1 := marker(t, filepath.Join(dir, "serial.log"))
	l.must(link(nil, "stop", "bin"))
	began = time.Now()
	l.must(link(nil, "start", "bin"))
	timed(t, "boot 2: start through the binary shim", began)
	assert.NotEqual(t, boot1, marker(t, filepath.Join(dir, "serial.log")))
	assert.Equal(t, boot1, marker(t, filepath.Join(dir, "serial.1.log")), "start through the binary shim rotates")
	l.stopped("bin")
}

// binaryShim puts LOGKEEP_BIN first on PATH under the name limactl, as a copy
// when copied is true and else as a symbolic link, this version's limactl
// directory after it and LIMACTL unset, and returns a runner of `limactl ARGS`
// (argv[0] a path ending in limactl) in that environment.
func binaryShim(t *testing.T, l *lima, copied bool) func(env []string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	shim := filepath.Join(dir, "limactl")
	if copied {
		b, err := os.ReadFile(os.Getenv("LOGKEEP_BIN"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(shim, b, 0o755))
	} else {
		require.NoError(t, os.Symlink(os.Getenv("LOGKEEP_BIN"), shim))
	}
	path := []string{"PATH=" + dir + ":" + filepath.Dir(l.version.limactl) + ":" + os.Getenv("PATH"), "-LIMACTL"}
	return func(env []string, args ...string) result {
		t.Helper()
		return l.run(append(path, env...), shim, args...)
	}
}

var logTime = regexp.MustCompile(`time="[^"]*"`)

// withoutTimes drops logrus' timestamps, which differ between two runs.
func withoutTimes(s string) string { return logTime.ReplaceAllString(s, `time=""`) }
