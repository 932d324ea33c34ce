// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// completionEnv is a LIMA_HOME with instances vm1 and vm2 and the preserved
// instance gone, and a PATH on which limactl-logkeep is this test binary.
func completionEnv(t *testing.T) []string {
	t.Helper()
	env, home := keptHome(t)
	instance(t, home, "vm2", nil)
	self, err := os.Executable()
	require.NoError(t, err)
	bin := t.TempDir()
	require.NoError(t, os.Symlink(self, filepath.Join(bin, "limactl-logkeep")))
	return append(coverEnv(), "LOGKEEP_TEST_RUN_MAIN=1", "LIMA_HOME="+env["LIMA_HOME"], "HOME="+os.Getenv("HOME"),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// shell runs script in bash or zsh with env and returns its output.
func shell(t *testing.T, sh string, env []string, script string) string {
	t.Helper()
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func TestBashCompletion(t *testing.T) {
	r := run(t, nil, "completion", "bash")
	require.Equal(t, 0, r.status, r.stderr)
	check := exec.Command("bash", "-n")
	check.Stdin = strings.NewReader(r.stdout)
	out, err := check.CombinedOutput()
	require.NoError(t, err, "bash -n: %s", out)

	env := completionEnv(t)
	complete := func(words ...string) string {
		script := `source <(limactl-logkeep completion bash)
COMP_WORDS=(` + quoteWords(words) + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1))
_limactl_logkeep; printf '%s\n' "${COMPREPLY[@]}"`
		return shell(t, "bash", env, script)
	}
	assert.Equal(t, "preserved\nprune\n", complete("limactl-logkeep", "pr"))
	assert.Equal(t, "vm\nvm2\n", complete("limactl-logkeep", "logs", "v"))
	assert.Equal(t, "gone\nvm\nvm2\n", complete("limactl-logkeep", "collect", ""))
	assert.Equal(t, "vm\nvm2\n", complete("limactl-logkeep", "delete", "-f", ""), "lifecycle commands too")
	assert.Equal(t, "--follow\n", complete("limactl-logkeep", "logs", "vm", "--fo"))
	assert.Equal(t, "ha.stdout\nha.stderr\n", complete("limactl-logkeep", "logs", "vm", "--file", "ha"))
	assert.Equal(t, "--keep-logs\n", complete("limactl-logkeep", "--keep"))
	assert.Equal(t, "\n", complete("limactl-logkeep", "delete", "--", "v"), "after -- nothing is run")
}

func quoteWords(words []string) string {
	var q []string
	for _, w := range words {
		q = append(q, "'"+w+"'")
	}
	return strings.Join(q, " ")
}

func TestZshCompletion(t *testing.T) {
	r := run(t, nil, "completion", "zsh")
	require.Equal(t, 0, r.status, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "#compdef limactl-logkeep\n"))
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		testutil.MissingPrerequisite(t, "zsh, to check the zsh completion script (scripts/setup.sh installs it)")
	}
	script := filepath.Join(t.TempDir(), "_limactl-logkeep")
	require.NoError(t, os.WriteFile(script, []byte(r.stdout), 0o644))
	out, err := exec.Command(zsh, "-n", script).CombinedOutput()
	require.NoError(t, err, "zsh -n: %s", out)

	// compadd and _files stand in for zsh's completion system and print what
	// they are given; zsh itself filters by the word typed.
	env := completionEnv(t)
	complete := func(words string) string {
		return shell(t, zsh, env, `source `+script+`
compadd() { [[ $1 == -a ]] && print -l -- "${(P@)2}"; }
_files() { print FILES; }
words=(`+words+`); CURRENT=${#words}; _limactl_logkeep`)
	}
	assert.Equal(t, "vm\nvm2\n", complete("limactl-logkeep logs v"))
	assert.Equal(t, "gone\nvm\nvm2\n", complete("limactl-logkeep prune ''"))
	assert.Contains(t, complete("limactl-logkeep ''"), "boots\n")
	assert.Equal(t, "--dry-run\n", complete("limactl-logkeep prune --dr"))
	assert.Equal(t, "FILES\n", complete("limactl-logkeep delete -- v"), "after -- nothing is run")
}

func TestCompletionNeedsAShell(t *testing.T) {
	r := run(t, nil, "completion", "fish")
	assert.Equal(t, 2, r.status)
	assert.Contains(t, r.stderr, "bash or zsh")
}

func TestHistoryCommandsHaveHelpWithExamples(t *testing.T) {
	r := run(t, nil, "--help")
	for _, cmd := range []string{"boots", "logs", "preserved", "collect", "prune", "completion"} {
		assert.Contains(t, r.stdout, cmd)
		h := run(t, nil, cmd, "--help")
		assert.Equal(t, 0, h.status, cmd)
		assert.Contains(t, h.stdout, "Example", cmd)
		h2 := run(t, nil, cmd, "vm", "--help")
		assert.Equal(t, h.stdout, h2.stdout, "%s: --help after an argument", cmd)
	}
	assert.NotContains(t, r.stdout, "gen-docs", "hidden")
	h := run(t, nil, "boots", "--help")
	for _, field := range []string{"index", "generation", "firstModified", "lastModified", "outcome", "secondsToRunning", "compressed"} {
		assert.Contains(t, h.stdout, field)
	}
}
