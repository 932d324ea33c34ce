// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// Issue 20, item 3: one directory that cannot be read used to mean no bundle at all ("nothing
// was written"). Now it is left out with a warning, listed in the manifest's skipped, and the
// bundle holds everything else.
func TestCollectSkipsWhatCannotBeReadAndStillWritesTheBundle(t *testing.T) {
	testutil.RequireNonRoot(t)
	type setup func(t *testing.T, fx *fixture) (unreadable string)
	chmod000 := func(t *testing.T, dir string) string {
		require.NoError(t, os.Chmod(dir, 0))
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		return dir
	}
	for _, c := range []struct {
		name      string
		setup     setup
		instances []string
		reason    string
	}{
		{"an instance's preserved directory is 000", func(t *testing.T, fx *fixture) string {
			fx.set(t, "zz", "20260101T000000Z", map[string]string{"serial.log": "zz"})
			return chmod000(t, filepath.Join(fx.store.LogsDir, "zz"))
		}, nil, "permission denied"},
		{"the same, named on the command line", func(t *testing.T, fx *fixture) string {
			fx.set(t, "zz", "20260101T000000Z", map[string]string{"serial.log": "zz"})
			return chmod000(t, filepath.Join(fx.store.LogsDir, "zz"))
		}, []string{"vm", "zz"}, "permission denied"},
		{"one preserved set is 000", func(t *testing.T, fx *fixture) string {
			fx.set(t, "zz", "20260102T000000Z", map[string]string{"serial.log": "other set"})
			return chmod000(t, fx.set(t, "zz", "20260101T000000Z", map[string]string{"serial.log": "zz"}))
		}, nil, "permission denied"},
		{"the logs directory is 000", func(t *testing.T, fx *fixture) string {
			fx.set(t, "zz", "20260101T000000Z", map[string]string{"serial.log": "zz"})
			return chmod000(t, fx.store.LogsDir)
		}, nil, "permission denied"},
		{"the logs directory is a plain file", func(t *testing.T, fx *fixture) string {
			require.NoError(t, os.WriteFile(fx.store.LogsDir, []byte("not a directory"), 0o644))
			return fx.store.LogsDir
		}, nil, "not a directory"},
		{"the same, instance named", func(t *testing.T, fx *fixture) string {
			require.NoError(t, os.WriteFile(fx.store.LogsDir, []byte("not a directory"), 0o644))
			return fx.store.LogsDir
		}, []string{"vm"}, "not a directory"},
		{"an instance directory is 000", func(t *testing.T, fx *fixture) string {
			return chmod000(t, fx.instance(t, "broken", map[string]string{"serial.log": "x"}))
		}, nil, "permission denied"},
		{"a log is 000", func(t *testing.T, fx *fixture) string {
			path := write(t, filepath.Join(fx.home, "vm"), "serial.1.log", "old boot", t0)
			require.NoError(t, os.Chmod(path, 0))
			return path
		}, nil, "permission denied"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			fx.instance(t, "vm", map[string]string{"serial.log": "vm console"})
			unreadable := c.setup(t, fx)
			var warned []string
			var out bytes.Buffer
			m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Instances: c.instances, Prefix: "p",
				LimactlVersion: version, Warn: func(s string) { warned = append(warned, s) }})
			require.NoError(t, err, "the bundle is written")
			files, order := testutil.Untar(t, &out)
			got := checkManifest(t, files, order, "p")
			assert.Equal(t, "vm console", files["p/vm/instance/serial.log"], "everything else is in it")
			require.Len(t, got.Skipped, 1, "%+v", got.Skipped)
			assert.Equal(t, unreadable, got.Skipped[0].Source)
			assert.Contains(t, got.Skipped[0].Reason, c.reason)
			assert.Equal(t, m.Skipped, got.Skipped)
			require.Len(t, warned, 1)
			assert.Contains(t, warned[0], "left out of the bundle: ")
			assert.Contains(t, warned[0], unreadable)
			assert.Contains(t, files["p/SUMMARY.md"], "## Left out")
			assert.Contains(t, files["p/SUMMARY.md"], unreadable)
		})
	}
}

// An instance named on the command line whose only logs cannot be read still gives a bundle
// (saying so), not "no logs found".
func TestCollectOfAnUnreadableInstanceOnlyWritesWhatItCouldNotRead(t *testing.T) {
	testutil.RequireNonRoot(t)
	fx := newFixture(t)
	parent := filepath.Dir(fx.set(t, "zz", "20260101T000000Z", map[string]string{"serial.log": "zz"}))
	require.NoError(t, os.Chmod(parent, 0))
	t.Cleanup(func() { _ = os.Chmod(parent, 0o755) })
	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Instances: []string{"zz"}, Prefix: "p"})
	require.NoError(t, err)
	require.Len(t, m.Skipped, 1)
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	assert.Contains(t, files["p/SUMMARY.md"], parent)
}

// troubleFixture is an instance with a ready boot, a failed one and a current running one,
// whose outcomes come from fakeOutcomes (a serial log with "FAIL" failed).
func troubleFixture(t *testing.T) (*fixture, string) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", nil)
	write(t, dir, "serial.1.log", "boot 1 ok\n", t0)
	write(t, dir, "ha.stderr.1.log", `{"level":"info","msg":"fine"}`+"\n", t0)
	var console strings.Builder
	for i := range 50 {
		fmt.Fprintf(&console, "console line %d\n", i)
	}
	console.WriteString("kernel: \x1b[31mred\x1b[0m\r\nFAIL at the end\n")
	write(t, dir, "serial.2.log", console.String(), t0)
	write(t, dir, "ha.stderr.2.log", `{"level":"info","msg":"QEMU has already exited"}`+"\n", t0)
	write(t, dir, "serial.log", "boot 3 running\n", t0)
	fake := &fakeOutcomes{inProgress: map[string]bool{}}
	fx.store.ReadOutcome = fake.read
	fx.store.Consoles = func(string) []string { return []string{"serialv", "serial"} }
	fx.store.AgentLog = "ha.stderr"
	return fx, dir
}

func TestCollectSummaryAndManifestNameTheFailedBoot(t *testing.T) {
	fx, _ := troubleFixture(t)
	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Prefix: "p", LimactlVersion: version, ToolVersion: "v9"})
	require.NoError(t, err)
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	assert.Equal(t, "p/SUMMARY.md", order[len(order)-2], "the summary comes just before the manifest")

	require.Len(t, m.Instances, 1)
	var outcomes []string
	for _, b := range m.Instances[0].Boots {
		outcomes = append(outcomes, fmt.Sprintf("%d:%s", b.Index, b.Outcome))
	}
	assert.Equal(t, []string{"-2:ready", "-1:failed", "0:ready"}, outcomes)
	assert.Equal(t, 2, *m.Instances[0].Boots[1].Generation)
	require.Len(t, m.Instances[0].Boots[1].Errors, 1)
	assert.True(t, strings.HasSuffix(m.Instances[0].Boots[1].Errors[0], "FAIL at the end"))

	summary := files["p/SUMMARY.md"]
	t.Log("\n" + summary)
	assert.Contains(t, summary, "`limactl --version`: limactl version 1.2.1.")
	assert.Contains(t, summary, "## Instance `vm`")
	assert.Contains(t, summary, "| instance | -1 | 2 | **failed** |")
	assert.Contains(t, summary, "| instance | -2 | 1 | ready | 2026-03-01 10:00:00 | 10.4s | exiting |")
	assert.Contains(t, summary, "### `vm`, boot -1 (generation 2, instance): failed")
	assert.Contains(t, summary, "Last 30 lines of `vm/instance/serial.2.log`:")
	assert.Contains(t, summary, "console line 49\n")
	assert.NotContains(t, summary, "console line 19\n", "only the end of the console")
	assert.Contains(t, summary, "kernel: ?[31mred?[0m\nFAIL at the end", "control characters are made visible")
	assert.Contains(t, summary, "Last 15 lines of `vm/instance/ha.stderr.2.log`:")
	assert.Contains(t, summary, "QEMU has already exited")
	assert.NotContains(t, summary, "boot 1 ok", "a ready boot's logs are not in the summary")
	assert.NotContains(t, summary, "## Left out")
	assert.NotContains(t, summary, "## Redacted")
}

func TestCollectGuestLogs(t *testing.T) {
	fx, _ := troubleFixture(t)
	fx.set(t, "gone", "20260101T000000Z", map[string]string{"serial.log": "deleted"})
	var asked []string
	guest := func(_ context.Context, instance string) []GuestLog {
		asked = append(asked, instance)
		return []GuestLog{
			{Name: "journal.log", Command: "limactl shell vm journalctl", Missing: "journalctl: not found"},
			{Name: "dmesg.log", Command: "limactl shell vm sudo dmesg", Data: []byte("[0.0] Linux\n"), Truncated: true},
		}
	}
	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Prefix: "p", GuestLogs: guest})
	require.NoError(t, err)
	assert.Equal(t, []string{"vm"}, asked, "a deleted instance has no guest to ask")
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	assert.Equal(t, "[0.0] Linux\n", files["p/vm/guest/dmesg.log"])
	assert.NotContains(t, files, "p/vm/guest/journal.log")
	require.Len(t, m.GuestLogs, 2)
	assert.Equal(t, ManifestGuestLog{Instance: "vm", Name: "journal.log", Command: "limactl shell vm journalctl", Missing: "journalctl: not found"}, m.GuestLogs[0])
	assert.Equal(t, ManifestGuestLog{Instance: "vm", Name: "dmesg.log", Command: "limactl shell vm sudo dmesg", Path: "p/vm/guest/dmesg.log", Truncated: true}, m.GuestLogs[1])
	summary := files["p/SUMMARY.md"]
	assert.Contains(t, summary, "## Guest logs (--guest)")
	assert.Contains(t, summary, "- `vm`: journal.log not taken: journalctl: not found")
	assert.Contains(t, summary, "- `vm`: dmesg.log taken, cut at the size limit: `p/vm/guest/dmesg.log`")
}

// collect --redact on a bundle holding the user's name, home, IP addresses, ports and an SSH
// public key: none is left in any entry, the manifest and summary included; the logs on disk
// are unchanged.
func TestCollectRedactLeavesNoValueInAnyFile(t *testing.T) {
	fx, dir := troubleFixture(t)
	home := fx.home // the user's home, as Lima's paths show it
	key := "ssh-ed25519 " + strings.TrimPrefix(testPubKey, "ssh-ed25519 ")
	logs := map[string]string{
		"ha.stdout.log": `{"time":"2026-12-06T01:01:09Z","status":{"sshLocalPort":40901}}` + "\n",
		"ha.stderr.log": `{"level":"debug","msg":"executing ssh: [ssh -o IdentityFile=\"` + home + `/.lima/_config/user\" -o User=alice -p 40901 127.0.0.1]"}` + "\n",
		"serial.log":    "udhcpc: lease of 192.168.5.15 obtained from 192.168.5.2\nalice logged in from 10.0.2.2:51234\n" + key + "\n",
	}
	for name, content := range logs {
		write(t, dir, name, content, t0)
	}
	fx.set(t, "vm", "20260101T000000Z", map[string]string{"serial.log": "/home/alice.linux, port 40901\n"})
	before := tree(t, fx.home)
	fx.store.ReadOutcome = func(files []File, inProgress bool) Outcome {
		return Outcome{Result: "failed", Trouble: true, SSHLocalPorts: []int{40901}, Errors: []string{"ssh -p 40901 alice@127.0.0.1 failed"}}
	}
	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Prefix: "p", LimactlVersion: version,
		Redact: &Redaction{UserName: "alice", HomeDir: home},
		GuestLogs: func(context.Context, string) []GuestLog {
			return []GuestLog{{Name: "dmesg.log", Command: "limactl shell vm sudo dmesg", Data: []byte("eth0: 192.168.5.15 alice " + key + "\n")}}
		}})
	require.NoError(t, err)
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	secrets := []string{"alice", home, "40901", "51234", "127.0.0.1", "192.168.5.15", "192.168.5.2", "10.0.2.2",
		strings.Fields(testPubKey)[1], "alices-mac"}
	for _, name := range order {
		for _, secret := range secrets {
			assert.NotContains(t, files[name], secret, "%s holds %q", name, secret)
		}
	}
	assert.Contains(t, files["p/vm/instance/serial.log"], "ssh-ed25519 <ssh-key-1>\n", "the key and its comment")
	assert.Contains(t, files["p/vm/guest/dmesg.log"], "<ip-1> <user> ssh-ed25519 <ssh-key-1>", "the same placeholders in every file")
	assert.Equal(t, before, tree(t, fx.home), "the logs on disk are unchanged")

	var raw Manifest
	require.NoError(t, json.Unmarshal([]byte(files["p/manifest.json"]), &raw), "the redacted manifest is valid JSON")
	kinds := map[string]bool{}
	for _, r := range m.Redacted {
		kinds[r.Kind] = true
	}
	for _, k := range []string{"user name", "home directory", "IP address", "host port", "SSH public key"} {
		assert.True(t, kinds[k], "the manifest says %s was redacted", k)
	}
	for _, f := range raw.Files {
		assert.True(t, f.Redacted, f.Path)
		assert.NotContains(t, f.Source, home)
	}
	assert.Contains(t, files["p/SUMMARY.md"], "## Redacted")
	assert.Contains(t, files["p/SUMMARY.md"], "| IP address | `<ip-N>` |")
}
