// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// expectation is what a hostile command line must lead to.
type expectation int

const (
	refused     expectation = iota // exit != 0, a message, limactl not run
	passThrough                    // limactl run with exactly the arguments given, nothing else touched
	helpShown                      // exit 0 and usage on stdout
)

// hostileNames are malformed instance names: traversal, absolute paths, separators, control
// characters, whitespace, unicode look-alikes, option-like and reserved names, shell and format
// metacharacters, too long. (NUL cannot be passed in argv: see TestHostileNULAtTheAPI.)
var hostileNames = []string{
	"../vm", "..", ".", "/etc", "/etc/passwd", "vm/../vm", "./vm", "vm/", "a/b", "",
	"vm\n", "\nvm", "vm\r", "\tvm", " vm", "vm ",
	"ⅾefault",  // U+217E SMALL ROMAN NUMERAL FIVE HUNDRED, looks like d
	"ｖｍ",       // fullwidth
	"vm\u200b", // zero-width space
	"v\u0301m", // combining accent
	"\u212Am",  // KELVIN SIGN: lower-cases to ASCII "k"
	"ᴠᴍ",       // small capitals
	"vm.yaml", "VM.YML", "_logkeep", "_config", ".lima", "-", "--help", "-f", "--force",
	"~/vm", "$HOME", "vm;id", "`id`", "\x1b[2Jvm", "%s%n", "vm\\x", "vm:1",
	strings.Repeat("a", 77), strings.Repeat("a", 65536),
}

// TestHostileArguments runs limactl-logkeep (the built binary) with malformed instance names and
// arguments through every command, next to two real instances ("vm" and "default") and a file
// outside: each line must be refused, passed to limactl unchanged, or answered with help, and no
// file anywhere may change.
func TestHostileArguments(t *testing.T) {
	bin := logkeepBin(t)
	type hostileCase struct {
		args   []string
		expect expectation
	}
	var cases []hostileCase
	for _, name := range hostileNames {
		cases = append(cases,
			hostileCase{[]string{"rotate", "--", name}, refused},
			hostileCase{[]string{"delete", "vm", "--", name}, refused}, // refused before vm is touched
			hostileCase{[]string{"wrap", "rm", "--force", "--", name}, refused},
			hostileCase{[]string{"factory-reset", "--", name}, refused},
		)
		if name != "" {
			// limactl decides what start does with it: it must get it unchanged, and no other
			// instance may be rotated on the way.
			cases = append(cases, hostileCase{[]string{"start", "--", name}, passThrough})
		}
	}
	cases = append(cases,
		hostileCase{[]string{"start", "ⅾefault"}, passThrough},
		hostileCase{[]string{"start", "--name", "ⅾefault"}, passThrough},
		hostileCase{[]string{"start", "--name=../vm"}, passThrough},
		hostileCase{[]string{"wrap", "start", "ｖｍ"}, passThrough},
		hostileCase{[]string{"wrap", "--tty=false", "start", "--name", "/etc"}, passThrough},
		hostileCase{[]string{"restart", "../vm"}, passThrough},
		hostileCase{[]string{"delete", "-f"}, passThrough},
		hostileCase{[]string{"delete", "--force=maybe", "vm"}, passThrough},
		hostileCase{[]string{"delete", "--help"}, helpShown},
		hostileCase{[]string{"rotate", "--help"}, helpShown},
		hostileCase{[]string{"rotate", "-f", "vm"}, refused},
		hostileCase{[]string{"rotate", "vm", "../vm"}, refused},
		hostileCase{[]string{"--max-backups", "99999999999999999999", "rotate", "vm"}, refused},
		hostileCase{[]string{"--max-backups", "-5", "delete", "vm"}, refused},
		hostileCase{[]string{"--log-level", "../../etc", "rotate", "vm"}, refused},
	)

	ta := newTally(t, "5 hostile: malformed names and arguments via the CLI")
	defer ta.done("refused, passed to limactl unchanged, or help; no file changed")
	sb := newSandbox(t, "")
	require.NoError(t, os.WriteFile(filepath.Join(sb.outside, "secret"), []byte("secret\n"), 0o600))
	var before map[string]entry
	reset := func() {
		for _, name := range []string{"vm", "default"} {
			require.NoError(t, os.RemoveAll(filepath.Join(sb.home, name)))
		}
		sb.instance(t, "vm", map[string]string{"serial.log": "vm boot\n", "serial.1.log": "vm old\n"})
		sb.instance(t, "default", map[string]string{"serial.log": "default boot\n", "ha.stderr.log": "{}\n"})
		before = snapshot(t, sb.root, nil)
	}
	reset()
	env := []string{"RDD_KEEP_LOGS=1"}

	for _, c := range cases {
		tr := &trial{}
		sb.fake.reset(t)
		r := sb.run(t, bin, env, c.args...)
		calls := sb.fake.commands(t)
		switch c.expect {
		case refused:
			if r.status == 0 || strings.TrimSpace(r.stderr) == "" {
				tr.fail("want a refusal, got exit %d, stderr %q", r.status, r.stderr)
			}
			if len(calls) > 0 {
				tr.fail("limactl ran: %q", calls)
			}
		case passThrough:
			want := c.args
			if want[0] == "wrap" {
				want = want[1:]
			}
			if len(calls) != 1 || !slices.Equal(calls[0], want) {
				tr.fail("limactl got %q, want exactly %q (exit %d, stderr %q)", calls, want, r.status, r.stderr)
			}
		case helpShown:
			if r.status != 0 || !strings.Contains(r.stdout, "USAGE") || len(calls) > 0 {
				tr.fail("want help: exit %d, stdout %.80q, limactl %q", r.status, r.stdout, calls)
			}
		}
		if noise := noLimaNoise(r.stderr); len(noise) > 0 {
			tr.fail("stderr shows %q", noise)
		}
		after := snapshot(t, sb.root, nil)
		if diffs := diffSnapshots(before, after); len(diffs) > 0 {
			// Including `start FILE` lines that name an existing instance: limactl creates a new
			// instance from a file and refuses a taken name, so that instance's logs stay put.
			for _, d := range diffs {
				tr.fail("file system changed: %s", d)
			}
			reset()
		}
		ta.add(strings.Join(quoteAll(c.args), " "), tr)
	}
}

// quoteAll quotes each argument, shortening very long ones.
func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 40 {
			a = a[:20] + "..." + a[len(a)-10:]
		}
		out[i] = strconv.Quote(a)
	}
	return out
}

// TestHostileNULAtTheAPI checks names with a NUL byte, which no command line can carry (exec
// refuses them), where they could come from: the adapter's name checks and argument parsers and
// the filesystem primitives refuse them before any file is touched.
func TestHostileNULAtTheAPI(t *testing.T) {
	ta := newTally(t, "5 hostile: NUL in names and arguments (API)")
	defer func() { ta.done("argv cannot carry NUL: exec refuses it") }()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot\n"), 0o644))
	before := snapshot(t, dir, nil)
	t.Setenv("LIMA_HOME", dir)

	for _, name := range []string{"vm\x00", "\x00", "a\x00b", "\x00../etc", "vm\x00/../../etc", "serial\x00.log"} {
		tr := &trial{}
		if err := limaadapter.ValidateName(name); err == nil {
			tr.fail("ValidateName accepted %q", name)
		}
		if d, err := limaadapter.InstanceDir(name); err == nil {
			tr.fail("InstanceDir(%q) = %q", name, d)
		}
		if _, err := (limaadapter.Inspector{}).Inspect(context.Background(), name); err == nil {
			tr.fail("Inspect accepted %q", name)
		}
		for _, args := range [][]string{{name}, {"--name", name}, {"--name=" + name}, {name + ".yaml"}, {"template://" + name}} {
			got := limaadapter.ParseBootLine(limaadapter.Invocation{Command: "start", Args: args})
			if got.Verdict == limaadapter.MayBoot && limaadapter.ValidateName(got.Instance) != nil {
				tr.fail("ParseBootLine(start %q) = %q, an invalid name", args, got.Instance)
			}
		}
		if parsed, ok := limaadapter.ParseInstanceArgs([]string{"-f", name}, true, 1, -1); ok {
			for _, n := range parsed.Names {
				if n != name && n != limaadapter.DefaultInstance {
					tr.fail("ParseInstanceArgs changed %q into %q", name, n)
				}
			}
		}
		if _, err := logfile.Rotate(dir, logfile.RotateOptions{Names: []string{name}, MaxBackups: 1}); err == nil {
			tr.fail("Rotate accepted the active log name %q", name)
		}
		if _, err := logfile.Preserve(dir, filepath.Join(t.TempDir(), "sets"), logfile.PreserveOptions{Copy: []string{name}}); err == nil {
			tr.fail("Preserve accepted the copy name %q", name)
		}
		if err := exec.Command("/bin/true", name).Run(); err == nil {
			tr.fail("exec passed %q in argv: the CLI tests must cover it", name)
		}
		for _, d := range diffSnapshots(before, snapshot(t, dir, nil)) {
			tr.fail("%q: file system changed: %s", name, d)
		}
		ta.add(strings.Join(quoteAll([]string{name}), ""), tr)
	}
}
