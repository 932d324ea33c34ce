// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// `logs -f` of an instance that Lima deletes ends with one line and status 1:
// with --until-stopped for an instance deleted by the real `limactl delete`
// without ever booting, and plain -f for one deleted through logkeep keeping its
// logs. The instances are made by `limactl create` (no boot); serial.log stands
// for an earlier boot's console.
func TestLogsFollowEndsWhenLimaDeletesTheInstance(t *testing.T) {
	t.Parallel()
	forEachVersion(t, logsFollowEndsWhenLimaDeletesTheInstance)
}

func logsFollowEndsWhenLimaDeletesTheInstance(t *testing.T, l *lima) {
	for _, c := range []struct {
		name, how string
		follow    []string
	}{
		{"fu", "limactl delete", []string{"-f", "--until-stopped"}},
		{"fk", "RDD_KEEP_LOGS=1 limactl-logkeep delete", []string{"-f"}},
	} {
		t.Run(c.how+", logs "+strings.Join(c.follow, " "), func(t *testing.T) {
			dir := l.create(c.name)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("an earlier boot\n"), 0o644))
			follow := exec.Command(os.Getenv("LOGKEEP_BIN"), append([]string{"logs", c.name}, c.follow...)...)
			follow.Env = append(os.Environ(), "LIMA_HOME="+l.home, "LIMACTL="+l.version.limactl)
			stdout, stderr := &testutil.Buffer{}, &testutil.Buffer{}
			follow.Stdout, follow.Stderr = stdout, stderr
			require.NoError(t, follow.Start())
			done := make(chan error, 1)
			go func() { done <- follow.Wait() }()
			t.Cleanup(func() { _ = follow.Process.Kill() })
			require.Eventually(t, func() bool { return stdout.String() == "an earlier boot\n" }, 30*time.Second, 20*time.Millisecond, stderr.String())

			if c.how == "limactl delete" {
				l.must(l.limactl("delete", c.name))
			} else {
				l.must(l.logkeep([]string{"RDD_KEEP_LOGS=1"}, "delete", c.name))
			}
			require.NoDirExists(t, dir)
			select {
			case err := <-done:
				var exit *exec.ExitError
				require.True(t, errors.As(err, &exit), "want a non-zero exit, got %v; stderr: %s", err, stderr.String())
				assert.Equal(t, 1, exit.ExitCode())
			case <-time.After(30 * time.Second):
				t.Fatalf("logs %s still runs 30 s after the instance was deleted", strings.Join(c.follow, " "))
			}
			line := strings.TrimSuffix(stderr.String(), "\n")
			assert.NotContains(t, line, "\n", "one line")
			assert.Contains(t, line, `instance "`+c.name+`"`)
			assert.Contains(t, line, "is gone")
			assert.Equal(t, "an earlier boot\n", stdout.String())
			if c.how != "limactl delete" {
				assert.Contains(t, line, "limactl logkeep preserved", "the logs were kept: it says where")
			}
		})
	}
}

// A bad setting through the drop-in shim (first on PATH, the real limactl
// after it) is one line on stderr naming it, exit 2, nothing on stdout, and the
// instance is neither rotated nor started.
func TestBadSettingThroughTheDropIn(t *testing.T) {
	t.Parallel()
	onlyV2(t, func(t *testing.T, l *lima) {
		dir := l.create("s1")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("an earlier boot\n"), 0o644))
		_, run := l.shim(t)
		for _, env := range []string{"LIMA_LOGKEEP_MAX_BACKUPS=abc", "LIMA_LOGKEEP_COMPRESS=maybe", "LIMA_LOGKEEP_MAX_BACKUPS=99999999999999999999"} {
			r := run(nil, []string{env}, "limactl", "start", "s1")
			assert.Equal(t, 2, r.status, "%s: %s", env, r)
			assert.Empty(t, r.stdout, env)
			name, value, _ := strings.Cut(env, "=")
			assert.Regexp(t, `^limactl-logkeep: \$`+name+`="`+value+`": [^\n]+\n$`, r.stderr)
		}
		assert.Equal(t, "Stopped", l.status("s1"))
		assert.NoFileExists(t, filepath.Join(dir, "serial.1.log"))
	})
}
