// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A setting urfave/cli cannot parse, from the environment or the command line,
// as the plugin, directly and through the drop-in wrapper: one line on stderr
// naming the variable or flag and the value, exit status 2, nothing on stdout
// (no "Incorrect Usage", no help), limactl not run, no log touched.
func TestBadSettingIsOneLineWithoutHelp(t *testing.T) {
	type tc struct {
		env  map[string]string
		args []string
		want []string // in the one line on stderr
	}
	cases := []tc{
		{map[string]string{"LIMA_LOGKEEP_MAX_BACKUPS": "abc"}, []string{"start", "vm"}, []string{"$LIMA_LOGKEEP_MAX_BACKUPS", `"abc"`, "not a whole number"}},
		{map[string]string{"LIMA_LOGKEEP_COMPRESS": "maybe"}, []string{"start", "vm"}, []string{"$LIMA_LOGKEEP_COMPRESS", `"maybe"`, "not true or false"}},
		{map[string]string{"LIMA_LOGKEEP_MAX_BACKUPS": "99999999999999999999"}, []string{"start", "vm"}, []string{"$LIMA_LOGKEEP_MAX_BACKUPS", `"99999999999999999999"`, "out of range"}},
		{nil, []string{"--max-backups", "99999999999999999999", "start", "vm"}, []string{"--max-backups", `"99999999999999999999"`, "out of range"}},
		{nil, []string{"--max-backups=abc", "rotate", "vm"}, []string{"--max-backups", `"abc"`, "not a whole number"}},
		{nil, []string{"--compress=maybe", "rotate", "vm"}, []string{"--compress", `"maybe"`, "not true or false"}},
		{nil, []string{"--max-backup", "3", "rotate", "vm"}, []string{"unknown option --max-backup", "did you mean --max-backups?"}},
		{nil, []string{"rotate", "--nope", "vm"}, []string{"unknown option --nope", "limactl-logkeep rotate --help"}},
		{nil, []string{"logs", "-n", "x\ny", "vm"}, []string{"-n", `"x\ny"`, "not a whole number"}},
		{nil, []string{"prune", "--keep-sets", "q"}, []string{"--keep-sets", `"q"`}},
	}
	// Through the drop-in, only the environment reaches logkeep: `limactl start vm`.
	shims := binaryShims(t)
	for _, c := range cases {
		home := t.TempDir()
		dir := instance(t, home, "vm", map[string]string{"serial.log": "A"})
		limactl, argsFile := fakeLimactl(t)
		env := map[string]string{"LIMACTL": limactl, "LIMA_HOME": home}
		var shimEnv []string
		for k, v := range c.env {
			env[k] = v
			shimEnv = append(shimEnv, k+"="+v)
		}
		results := map[string]result{"direct": run(t, env, c.args...)}
		if c.env != nil {
			for kind, shim := range shims {
				results["drop-in "+kind] = runShim(t, shim, append(shimEnv, shimPath(filepath.Dir(shim), filepath.Dir(limactl)), "LIMA_HOME="+home), c.args...)
			}
		}
		for how, r := range results {
			assert.Equal(t, 2, r.status, "%s %q %v: %+v", how, c.args, c.env, r)
			assert.Empty(t, r.stdout, "%s %q %v: nothing on stdout", how, c.args, c.env)
			line := strings.TrimSuffix(r.stderr, "\n")
			assert.NotContains(t, line, "\n", "%s %q %v: one line", how, c.args, c.env)
			assert.NotContains(t, line, "Incorrect Usage", how)
			for _, w := range c.want {
				assert.Contains(t, line, w, "%s %q %v", how, c.args, c.env)
			}
		}
		assert.NoFileExists(t, argsFile, "limactl must not have run: %q %v", c.args, c.env)
		assert.Equal(t, "A", read(t, filepath.Join(dir, "serial.log")))
		assert.NoFileExists(t, filepath.Join(dir, "serial.1.log"))
	}
}
