// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// lima2YAML is a lima.yaml as Lima 2 may write it: fields Lima v1.2.1 does not know.
const lima2YAML = `# written by Lima 2
vmType: qemu
vmOpts:
  qemu:
    minimumVersion: "8.2.1"
  futureDriver:
    knob: 1
images:
- location: /nonexistent.img
  arch: x86_64
plain: true
nestedVirtualization: false
ssh:
  localPort: 0
  overVsock: false
futureField: {a: 1, b: [x, y]}
`

// TestLimaVersionDrift runs rotate, start and delete (the built binary) on instance directories
// as Lima 2 writes them: a lima.yaml with fields Lima v1.2.1 does not know, a lima-version it
// cannot parse, driver.stderr.log, and configurations v1.2.1's store cannot load at all (an
// unknown vmType, a minimumLimaVersion above it). limactl-logkeep reads the status from the pid
// files whatever the configuration says, so a stopped instance never costs a `limactl list`;
// only pid files that leave a doubt (a driver alive without its host agent) make it ask (a fake
// limactl answers here). Every log must rotate and be preserved, and no warning of Lima's
// internals may reach stderr.
func TestLimaVersionDrift(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, "7 drift: instance dirs written by Lima 2")
	defer func() { ta.done("rotate, start, delete; no Lima-internal warning on stderr") }()
	rng := newRNG(t)

	type variant struct {
		name    string
		yaml    string
		version string
	}
	for _, v := range []variant{
		{"unknown fields, lima-version 2.0.3", lima2YAML, "2.0.3\n"},
		{"unknown fields, lima-version <unknown>", lima2YAML, "<unknown>\n"},
		{"vmType krunkit (Lima v1.2.1's store cannot load it)", strings.Replace(lima2YAML, "vmType: qemu", "vmType: krunkit", 1), "2.0.3\n"},
		{"vmType vz on Linux", strings.Replace(lima2YAML, "vmType: qemu", "vmType: vz", 1), "2.0.3\n"},
		{"minimumLimaVersion 2.0.0 (Lima v1.2.1's store cannot load it)", "minimumLimaVersion: 2.0.0\n" + lima2YAML, "2.0.3\n"},
	} {
		ta.sub(v.name, func(t *testing.T, tr *trial) {
			sb := newSandbox(t, "")
			dir := filepath.Join(sb.home, "vm")
			require.NoError(t, os.Mkdir(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte(v.yaml), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "lima-version"), []byte(v.version), 0o644))
			kept := map[string]original{}
			boot := func(n int) {
				for _, name := range activeNames {
					kept[fmt.Sprintf("%s.%d.log", strings.TrimSuffix(name, ".log"), n)] =
						writeLog(t, filepath.Join(dir, name), logSize(rng, name), 0o644, n, rng)
				}
			}
			clean := func(r result) {
				if r.status != 0 {
					tr.fail("%q: exit %d: %s", r.args, r.status, r.stderr)
				}
				for _, s := range []string{"Non-strict YAML", "treating lima version", "level=warning", "level=error", "panic"} {
					if strings.Contains(r.stderr, s) {
						tr.fail("%q: stderr shows %q:\n%s", r.args, s, r.stderr)
					}
				}
			}

			boot(1)
			clean(sb.run(t, bin, nil, "rotate", "vm"))
			boot(2)
			clean(sb.run(t, bin, nil, "start", "vm"))
			expectIntact(tr, dir, kept)
			clean(sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "vm"))
			checkPreserved(t, tr, dir, filepath.Join(sb.logs, "vm"), kept)
			for _, set := range listDir(t, filepath.Join(sb.logs, "vm")) {
				if b, err := os.ReadFile(filepath.Join(sb.logs, "vm", set, "lima.yaml")); err != nil || string(b) != v.yaml {
					tr.fail("set %s: lima.yaml not copied as it was (%v)", set, err)
				}
			}

			var commands, queries [][]string
			for _, c := range sb.fake.calls(t) {
				if slices.Equal(c, []string{"list", "--json", "vm"}) {
					queries = append(queries, c)
				} else {
					commands = append(commands, c)
				}
			}
			slices.SortFunc(commands, func(a, b []string) int { return strings.Compare(strings.Join(a, " "), strings.Join(b, " ")) })
			if want := [][]string{{"delete", "vm"}, {"start", "vm"}}; !slices.EqualFunc(commands, want, slices.Equal) {
				tr.fail("limactl got %q, want %q", commands, want)
			}
			if len(queries) > 0 {
				tr.fail("limactl list was asked %d times although no pid file names a live process", len(queries))
			}
		})
	}

	ta.sub("vmType krunkit, driver alive without host agent, limactl list says Running", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := filepath.Join(sb.home, "vm")
		require.NoError(t, os.Mkdir(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte(strings.Replace(lima2YAML, "vmType: qemu", "vmType: krunkit", 1)), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "krunkit.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644))
		sb.fake.status(t, "vm", "Running")
		logs := map[string]original{}
		for _, name := range activeNames {
			logs[name] = writeLog(t, filepath.Join(dir, name), logSize(rng, name), 0o644, 1, rng)
		}
		r := sb.run(t, bin, nil, "rotate", "vm")
		expectError(t, tr, r, "", "running")
		r = sb.run(t, bin, nil, "start", "vm") // limactl says it runs; the logs stay
		if r.status != 0 {
			tr.fail("start of a running instance: exit %d: %s", r.status, r.stderr)
		}
		expectIntact(tr, dir, logs)
		if calls := sb.fake.commands(t); !slices.EqualFunc(calls, [][]string{{"start", "vm"}}, slices.Equal) {
			tr.fail("limactl got %q, want only [start vm]", calls)
		}
		if !slices.ContainsFunc(sb.fake.calls(t), func(c []string) bool { return slices.Equal(c, []string{"list", "--json", "vm"}) }) {
			tr.fail("the pid files leave a doubt, yet limactl list was never asked")
		}
	})
}
