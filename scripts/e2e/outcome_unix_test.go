// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// Which boot failed, and why (issue 18): boot 1 ready; boot 2 with its QEMU killed a few seconds
// in, so that `limactl start` fails; boot 3 ready and still running. `boots` names boot 2 failed
// with Lima's errors and boot 3 running, `logs -b failed` prints boot 2's console, and a bundle
// made with --guest --redact names boot 2 failed in its summary and manifest, holds the guest's
// dmesg (and says it has no journal or cloud-init output), and none of the user's name, home,
// IP addresses, ports or SSH public key.
func TestWhichBootFailedAndWhy(t *testing.T) {
	t.Parallel()
	forEachVersion(t, whichBootFailedAndWhy)
}

func whichBootFailedAndWhy(t *testing.T, l *lima) {
	dir := l.create("oc")
	path := func(name string) string { return filepath.Join(dir, name) }

	began := time.Now()
	l.must(l.logkeep(nil, "start", "oc"))
	timed(t, "boot 1: limactl-logkeep start", began)
	boot1 := marker(t, path("serial.log"))
	l.must(l.limactl("stop", "oc"))

	began = time.Now()
	start := exec.Command(os.Getenv("LOGKEEP_BIN"), "start", "oc")
	start.Env = append(os.Environ(), "LIMA_HOME="+l.home, "LIMACTL="+l.version.limactl)
	var startOut strings.Builder
	start.Stdout, start.Stderr = &startOut, &startOut
	require.NoError(t, start.Start())
	qemu := waitForQEMU(t, path("qemu.pid"), time.Minute)
	time.Sleep(3 * time.Second)
	require.NoError(t, syscall.Kill(qemu, syscall.SIGKILL), "kill QEMU (pid %d) a few seconds into boot 2", qemu)
	err := start.Wait()
	timed(t, "boot 2: QEMU killed 3 s after it started", began)
	require.Error(t, err, "limactl start fails when QEMU dies during the boot:\n%s", startOut.String())
	t.Logf("boot 2's start said:\n%s", lastLines(startOut.String(), 3))

	began = time.Now()
	l.must(l.logkeep(nil, "start", "oc"))
	timed(t, "boot 3: limactl-logkeep start", began)
	boot3 := marker(t, path("serial.log"))
	require.Equal(t, "Running", l.status("oc"))

	t.Run("boots --json: ready, failed with Lima's errors, running", func(t *testing.T) {
		var boots []struct {
			Index      int      `json:"index"`
			Generation *int     `json:"generation"`
			Outcome    string   `json:"outcome"`
			Errors     []string `json:"errors"`
			ErrorsFrom string   `json:"errorsFrom"`
			RunningAt  *string  `json:"runningAt"`
			EndedBy    string   `json:"endedBy"`
			Seconds    *float64 `json:"secondsToRunning"`
		}
		r := l.must(l.logkeep(nil, "boots", "oc", "--json"))
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &boots), r.stdout)
		require.Len(t, boots, 3)
		assert.Equal(t, "ready", boots[0].Outcome)
		assert.Equal(t, "exiting", boots[0].EndedBy, "stopped by limactl stop")
		require.NotNil(t, boots[0].Seconds)
		assert.Greater(t, *boots[0].Seconds, 1.0)
		assert.Equal(t, "failed", boots[1].Outcome)
		assert.Equal(t, 2, *boots[1].Generation)
		assert.Nil(t, boots[1].RunningAt)
		assert.Equal(t, "ha.stderr", boots[1].ErrorsFrom, "QEMU died: the events carry no error, the host agent's log does")
		assert.True(t, slices.ContainsFunc(boots[1].Errors, func(e string) bool { return strings.Contains(e, "QEMU") }), "%q", boots[1].Errors)
		assert.Equal(t, "running", boots[2].Outcome)
		assert.Nil(t, boots[2].Generation)
		assert.Equal(t, "", boots[2].EndedBy)
	})
	t.Run("the table shows the failed boot and its errors", func(t *testing.T) {
		out := l.must(l.logkeep(nil, "boots", "oc")).stdout
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 5, out)
		assert.Regexp(t, `^-2\s+1\s+ready\s`, lines[1])
		assert.Regexp(t, `^-1\s+2\s+failed\s+-\s`, lines[2])
		assert.Contains(t, lines[3], "QEMU", "the errors, under the failed boot")
		assert.Regexp(t, `^0\s+current\s+running\s`, lines[4])
	})
	t.Run("logs -b failed prints boot 2's console", func(t *testing.T) {
		want, err := os.ReadFile(path("serial.2.log"))
		require.NoError(t, err)
		require.NotEmpty(t, want)
		out := l.must(l.logkeep(nil, "logs", "oc", "-b", "failed")).stdout
		assert.Equal(t, string(want), out)
		assert.NotContains(t, out, boot1)
		assert.NotContains(t, out, boot3)
	})

	// The guest's dmesg gets the Lima user's SSH public key, so that the bundle holds one.
	pub, err := os.ReadFile(filepath.Join(l.home, "_config", "user.pub"))
	require.NoError(t, err)
	l.must(l.limactl("shell", "--workdir", "/", "oc", "sh", "-c", "cat ~/.ssh/authorized_keys | sudo tee /dev/kmsg >/dev/null"))
	bundle := filepath.Join(t.TempDir(), "oc.tar.gz")
	began = time.Now()
	r := l.must(l.logkeep(nil, "collect", "oc", "-o", bundle, "--guest", "--redact"))
	timed(t, "collect --guest --redact", began)
	f, err := os.Open(bundle)
	require.NoError(t, err)
	files, order := testutil.Untar(t, f)
	f.Close()
	t.Logf("collect said: %s; bundle: %q", strings.TrimSpace(r.stdout+r.stderr), order)

	t.Run("the bundle's summary and manifest name boot 2 failed", func(t *testing.T) {
		summary := files["oc/SUMMARY.md"]
		assert.Contains(t, summary, "| instance | -1 | 2 | **failed** |")
		assert.Contains(t, summary, "### `oc`, boot -1 (generation 2, instance): failed")
		assert.Contains(t, summary, "Last 30 lines of `oc/instance/serial.2.log`:")
		assert.Regexp(t, `\| instance \| 0 \| current \| running \|`, summary)
		var m struct {
			Format    int `json:"format"`
			Instances []struct {
				Boots []struct {
					Dir        string `json:"dir"`
					Generation *int   `json:"generation"`
					Outcome    string `json:"outcome"`
				} `json:"boots"`
			} `json:"instances"`
			GuestLogs []struct {
				Name    string `json:"name"`
				Path    string `json:"path"`
				Missing string `json:"missing"`
			} `json:"guestLogs"`
		}
		require.NoError(t, json.Unmarshal([]byte(files["oc/manifest.json"]), &m))
		assert.Equal(t, 2, m.Format)
		require.Len(t, m.Instances, 1)
		var outcomes []string
		for _, b := range m.Instances[0].Boots {
			gen := "current"
			if b.Generation != nil {
				gen = strconv.Itoa(*b.Generation)
			}
			outcomes = append(outcomes, b.Dir+" "+gen+" "+b.Outcome)
		}
		assert.Equal(t, []string{"oc/instance 1 ready", "oc/instance 2 failed", "oc/instance current running"}, outcomes)
	})
	t.Run("--guest takes the guest's dmesg and lists what it does not have", func(t *testing.T) {
		assert.Contains(t, files["oc/oc/guest/dmesg.log"], "Linux version", "the guest's kernel ring buffer")
		assert.NotContains(t, files, "oc/oc/guest/journal.log", "busybox: no journalctl")
		assert.NotContains(t, files, "oc/oc/guest/cloud-init-output.log")
		summary := files["oc/SUMMARY.md"]
		assert.Contains(t, summary, "- `oc`: journal.log not taken: not in this guest: journalctl: not found")
		assert.Contains(t, summary, "- `oc`: cloud-init-output.log not taken: not in this guest: /var/log/cloud-init-output.log: no such file")
		assert.Contains(t, summary, "- `oc`: dmesg.log taken: `oc/oc/guest/dmesg.log`")
	})
	t.Run("--redact leaves no user name, home, address, port or SSH key in any file", func(t *testing.T) {
		home, err := os.UserHomeDir()
		require.NoError(t, err)
		user := os.Getenv("USER")
		require.NotEmpty(t, user)
		secrets := map[string]string{"user name": user, "home": home, "SSH public key": strings.Fields(string(pub))[1]}
		// Every IPv4 address and every ssh port in the logs as Lima wrote them.
		ipRE := regexp.MustCompile(`\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b`)
		portRE := regexp.MustCompile(`"sshLocalPort":([0-9]+)`)
		originals, err := filepath.Glob(path("*.log"))
		require.NoError(t, err)
		for _, o := range originals {
			b, err := os.ReadFile(o)
			require.NoError(t, err)
			for _, ip := range ipRE.FindAllString(string(b), -1) {
				secrets["IP address "+ip] = ip
			}
			for _, m := range portRE.FindAllStringSubmatch(string(b), -1) {
				secrets["port "+m[1]] = m[1]
			}
		}
		assert.Contains(t, secrets, "IP address 127.0.0.1", "the logs hold addresses to hide")
		ports := 0
		for k := range secrets {
			if strings.HasPrefix(k, "port ") {
				ports++
			}
		}
		assert.GreaterOrEqual(t, ports, 3, "one ssh port per boot")
		require.Contains(t, string(mustRead(t, path("ha.stderr.log"))), home, "the logs name the home directory")
		require.Contains(t, files["oc/oc/guest/dmesg.log"], "<ssh-key-1>", "the key was in dmesg, and was replaced")
		for _, name := range order {
			for what, secret := range secrets {
				assert.False(t, containsWord(files[name], secret), "%s still holds the %s %q", name, what, secret)
			}
		}
		assert.Contains(t, files["oc/SUMMARY.md"], "## Redacted")
		assert.NotContains(t, string(mustRead(t, path("ha.stdout.log"))), "<port-", "the logs themselves are unchanged")
	})
}

// waitForQEMU returns the pid in the qemu.pid at path once a live process holds it.
func waitForQEMU(t *testing.T, path string, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 && syscall.Kill(pid, 0) == nil {
				return pid
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no live QEMU in %s within %v", path, limit)
	return 0
}

// containsWord reports whether s holds word not glued to other digits (a port "4090" is not in
// "40901") or, for words with letters, anywhere.
func containsWord(s, word string) bool {
	if strings.Trim(word, "0123456789") != "" {
		return strings.Contains(s, word)
	}
	return regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(word) + `([^0-9]|$)`).MatchString(s)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
