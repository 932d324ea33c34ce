// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Lines as Lima writes them (ha.stdout.log, ha.stderr.log, the console), with the values of a
// user "alice" whose keys' comments name her host "alices-mac".
const (
	testPubKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkqS8u2dX0cQy0n2nq0Wl1m4b2q1rXoE0S1F6G7cTzT alice@alices-mac"
	testRSA    = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vZk9xUp2s2m3Y+4bJd0Qx6F1aZ/8kq3r4Tq9U3n0uGv1k2Lw=="
)

var redactInput = strings.Join([]string{
	`{"time":"2026-12-06T01:01:09.914928977Z","status":{"sshLocalPort":40901}}`,
	`{"level":"debug","msg":"executing ssh for script \"ssh\": /usr/bin/ssh [ssh -o IdentityFile=\"/Users/alice/.lima/_config/user\" -o User=alice -p 40901 127.0.0.1 -- /bin/bash]","time":"2026-12-06T01:01:22Z"}`,
	`{"level":"info","msg":"hostfwd=tcp:127.0.0.1:40901-:22 on 192.168.5.15, gateway 192.168.5.2","time":"2026-12-06T01:01:22Z"}`,
	`udhcpc: lease of 192.168.5.15 obtained from 192.168.5.2, lease time 86400`,
	`eth0: link up, MAC 52:55:55:12:34:56, fe80::5055:55ff:fe12:3456/64 and fd00:1:2::15, [2001:db8::1]:8080`,
	`ssh: connect to host 127.0.0.1 port 40901: Connection refused`,
	`SSH Local Port: 40901; also listening on localhost:41234 and ::1`,
	`authorized_keys: ` + testPubKey,
	`blob alone ` + testRSA + ` end`,
	`The key fingerprint is SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU alice@laptop`,
	`legacy MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48 fingerprint`,
	`-----BEGIN OPENSSH PRIVATE KEY-----`,
	`b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW`,
	`-----END OPENSSH PRIVATE KEY----- after`,
	`home C:\Users\alice\.lima and JSON "C:\\Users\\alice\\.lima" and C:/Users/alice/x`,
	`/home/alice.linux is the guest's home; alicex and xalice are other words`,
	`kept: [    3.409010] time 01:01:22, std::io, version 1.2.3.4.5, 2026-12-06, Support 12, 409011 and 40901x`,
}, "\n") + "\n"

func TestRedactReplacesEveryValueWithAStablePlaceholder(t *testing.T) {
	rd := newRedactor(Redaction{UserName: "alice", HomeDir: `/Users/alice`, Ports: []int{40901}})
	other := newRedactor(Redaction{UserName: "alice", HomeDir: `C:\Users\alice\`})
	out := string(rd.redactBytes([]byte(redactInput)))
	win := string(other.redactBytes([]byte(redactInput)))
	t.Log("\n" + out)
	hidden := out[:strings.LastIndex(out, "/home/")] // the last two lines hold look-alikes that stay
	for _, secret := range []string{"alice", "/Users/alice", `C:\Users\alice`, "40901", "41234", "8080", "127.0.0.1", "192.168.5.15",
		"192.168.5.2", "52:55:55:12:34:56", "fe80::5055:55ff:fe12:3456", "fd00:1:2::15", "2001:db8::1", "::1 ",
		"AAAAC3NzaC1lZDI1NTE5AAAAIHkqS8u2dX0", "AAAAB3NzaC1yc2E", "47DEQpj8HBSa", "16:27:ac", "b3BlbnNzaC1rZXkt"} {
		assert.NotContains(t, hidden, secret)
	}
	for _, secret := range []string{`C:\Users\alice`, `C:\\Users\\alice`, "C:/Users/alice"} {
		assert.NotContains(t, win, secret, "Windows home in its three forms")
	}
	for _, kept := range []string{"[    3.409010]", "01:01:22", "std::io", "1.2.3.4.5", "2026-12-06", "409011", "40901x",
		"Support 12", "alicex", "xalice", "ssh-ed25519 <ssh-key-1>\n", "-:22", "lease time 86400", "after"} {
		assert.Contains(t, out, kept, "not a value to hide")
	}
	for _, want := range []string{
		`{"sshLocalPort":<port-1>}`, `-o User=<user> -p <port-1> <ip-1> --`, `IdentityFile=\"<home>/.lima/_config/user\"`,
		"hostfwd=tcp:<ip-1>:<port-1>-:22 on <ip-2>, gateway <ip-3>", "lease of <ip-2> obtained from <ip-3>",
		"MAC <mac-1>, <ip-4>/64 and <ip-5>, [<ip-6>]:<port-2>", "host <ip-1> port <port-1>:",
		"SSH Local Port: <port-1>; also listening on localhost:<port-3> and <ip-7>", "blob alone <ssh-key-2> end",
		"is SHA256:", "legacy <ssh-fingerprint-2> fingerprint", "<private-key-1>\nafter\n", "/home/<user>.linux",
	} {
		if want == "is SHA256:" {
			assert.Contains(t, out, "is <ssh-fingerprint-1> <user>@laptop", "the host name is not looked for")
			continue
		}
		assert.Contains(t, out, want)
	}

	report := map[string]ManifestRedacted{}
	for _, r := range rd.report() {
		report[r.Kind] = r
	}
	assert.Equal(t, ManifestRedacted{Kind: "IP address", Placeholder: "<ip-N>", Distinct: 7, Count: report["IP address"].Count}, report["IP address"])
	assert.Equal(t, 1, report["SSH private key"].Distinct)
	assert.Equal(t, 2, report["SSH public key"].Distinct)
	assert.Equal(t, 3, report["host port"].Distinct)
	assert.Positive(t, report["user name"].Count)
	assert.Positive(t, report["home directory"].Count)

	again := string(rd.redactBytes([]byte("later file: 192.168.5.2 and 40901\n")))
	assert.Equal(t, "later file: <ip-3> and <port-1>\n", again, "the same value gets the same placeholder in every file")
}

func TestRedactWithNothingToHideChangesNothing(t *testing.T) {
	rd := newRedactor(Redaction{})
	in := "[    0.000000] Linux version 6.1.0-28-amd64\nplain text, no address\r\nno newline at the end"
	assert.Equal(t, in, string(rd.redactBytes([]byte(in))))
	assert.Empty(t, rd.report())
}

func TestRedactLongLinesAndPrivateKeyAtTheEnd(t *testing.T) {
	rd := newRedactor(Redaction{UserName: "bob"})
	long := strings.Repeat("x", maxRedactLine+100) + " bob 10.1.2.3\n"
	out := string(rd.redactBytes([]byte(long + "-----BEGIN RSA PRIVATE KEY-----\nsecret\n")))
	assert.NotContains(t, out, "bob")
	assert.NotContains(t, out, "10.1.2.3")
	assert.NotContains(t, out, "secret", "a key block cut off at the end is still hidden")
	require.Contains(t, out, "<private-key-1>")
}
