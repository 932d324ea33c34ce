// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The install layout (scripts/install.sh, run by `make install` after building
// and by `make dist` for the archives): Lima 2 reads every limactl-* file on its
// plugin paths whole at every limactl start, so what stands there is a small sh
// entry, and the program lives in libexec/limactl-logkeep/bin.

// program is where the layout keeps limactl-logkeep, relative to the prefix.
const program = "libexec/limactl-logkeep/bin/limactl-logkeep"

// shimDir is the drop-in wrapper's directory, relative to the prefix: users
// put it first on PATH, so Lima scans it too.
const shimDir = "libexec/limactl-logkeep"

// scannedDirs are the directories of a prefix where Lima 2 looks for plugins
// (pluginDirs), and the wrapper's, which is on PATH.
var scannedDirs = append(slices.Clone(pluginDirs), shimDir)

// repoRoot is the repository, from this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// install runs scripts/install.sh with args (what `make install` runs once
// the program is built) and fails the test when it fails.
func install(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", "install.sh"), args...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "scripts/install.sh %q: %s", args, out)
}

// makeUninstall runs `make uninstall PREFIX=prefix` in the repository.
func makeUninstall(t *testing.T, prefix string) {
	t.Helper()
	cmd := exec.Command("make", "-s", "-C", repoRoot(t), "uninstall", "PREFIX="+prefix)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "make uninstall: %s", out)
}

// files returns every file and link under prefix (not directories), relative
// and sorted.
func files(t *testing.T, prefix string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(prefix, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(prefix, path)
		out = append(out, filepath.ToSlash(rel))
		return err
	}))
	slices.Sort(out)
	return out
}

// checkScannedFilesSmall fails unless every limactl-logkeep file Lima would
// read in prefix's scanned directories (links followed, as Lima's os.ReadFile
// does) is a sh script under 1 KiB, and unless the wrapper's directory holds
// only the wrapper, and returns how many such files there are.
func checkScannedFilesSmall(t *testing.T, prefix string) int {
	t.Helper()
	names, err := os.ReadDir(filepath.Join(prefix, shimDir))
	require.NoError(t, err)
	for _, e := range names {
		assert.Contains(t, []string{"limactl", "bin"}, e.Name(), "the wrapper's directory, first on PATH, holds only the wrapper (and the program's directory)")
	}
	n := 0
	for _, dir := range scannedDirs {
		entries, err := os.ReadDir(filepath.Join(prefix, dir))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), "limactl-logkeep") {
				continue
			}
			path := filepath.Join(prefix, dir, e.Name())
			info, err := os.Stat(path)
			require.NoError(t, err, "%s leads nowhere", path)
			if info.IsDir() {
				continue
			}
			n++
			assert.Less(t, info.Size(), int64(1024), "Lima reads %s/%s whole at every limactl start", dir, e.Name())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(b, []byte("#!")), "%s/%s is a script", dir, e.Name())
		}
	}
	return n
}

// runProgram runs path with args and env (added to this process's) and returns
// its combined output, failing the test unless it exits 0.
func runProgram(t *testing.T, env []string, path string, args ...string) string {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = withEnv(os.Environ(), env)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %q: %s", path, args, out)
	return string(out)
}

// fakeLimactl writes a limactl that prints its arguments and returns its path.
func fakeLimactl(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "limactl")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\necho \"real limactl: $*\"\n"), 0o755))
	return path
}

// What `make install` put into LOGKEEP_PREFIX: the entry where Lima looks, no
// limactl-* file in the wrapper's directory, the wrapper a link to the program.
func TestInstalledLayout(t *testing.T) {
	t.Parallel()
	requireEnv(t, "LOGKEEP_PREFIX", "LOGKEEP_BIN")
	prefix := os.Getenv("LOGKEEP_PREFIX")
	assert.Equal(t, 3, checkScannedFilesSmall(t, prefix), "the entry in bin, libexec/lima and lib/lima")
	entry, err := os.ReadFile(filepath.Join("..", "limactl-logkeep"))
	require.NoError(t, err)
	for _, dir := range pluginDirs {
		b, err := os.ReadFile(filepath.Join(prefix, dir, "limactl-logkeep"))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(entry, b), "%s/limactl-logkeep is scripts/limactl-logkeep", dir)
	}
	wrapper, err := filepath.EvalSymlinks(filepath.Join(prefix, shimDir, "limactl"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(prefix, program), wrapper, "the wrapper is a link to the program")
	assert.Contains(t, runProgram(t, nil, filepath.Join(prefix, "bin", "limactl-logkeep"), "--version"), "limactl-logkeep version")
	assert.Contains(t, runProgram(t, []string{"LIMACTL=" + fakeLimactl(t)}, filepath.Join(prefix, shimDir, "limactl"), "list", "--", "-q"),
		"real limactl: list -- -q", "the wrapper hands the line to the real limactl")
	for _, f := range []string{"share/bash-completion/completions/limactl-logkeep", "share/zsh/site-functions/_limactl-logkeep",
		"share/doc/limactl-logkeep/README.md", "share/doc/limactl-logkeep/LICENSE"} {
		assert.FileExists(t, filepath.Join(prefix, f))
	}
}

// earlierLayout puts into prefix what earlier versions installed: "links", the
// program in bin with links to it in libexec/lima, lib/lima and as the wrapper;
// "shell shim", older, also the shell shim scripts/limactl as the wrapper with a
// link to the program beside it; "windows", the program in each plugin place.
func earlierLayout(t *testing.T, prefix, kind string) {
	t.Helper()
	bin, err := os.ReadFile(os.Getenv("LOGKEEP_BIN"))
	require.NoError(t, err)
	for _, dir := range []string{"bin", "libexec/lima", "lib/lima", shimDir} {
		require.NoError(t, os.MkdirAll(filepath.Join(prefix, dir), 0o755))
	}
	if kind == "windows" {
		for _, path := range []string{"bin/limactl-logkeep.exe", "libexec/lima/limactl-logkeep.exe", "lib/lima/limactl-logkeep.exe", shimDir + "/limactl.exe"} {
			require.NoError(t, os.WriteFile(filepath.Join(prefix, path), bin, 0o755))
		}
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join(prefix, "bin", "limactl-logkeep"), bin, 0o755))
	require.NoError(t, os.Symlink("../../bin/limactl-logkeep", filepath.Join(prefix, "libexec", "lima", "limactl-logkeep")))
	require.NoError(t, os.Symlink("../../bin/limactl-logkeep", filepath.Join(prefix, "lib", "lima", "limactl-logkeep")))
	if kind == "links" {
		require.NoError(t, os.Symlink("../../bin/limactl-logkeep", filepath.Join(prefix, shimDir, "limactl")))
		return
	}
	shim, err := os.ReadFile(filepath.Join("..", "limactl"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(prefix, shimDir, "limactl"), shim, 0o755))
	require.NoError(t, os.Symlink("../../bin/limactl-logkeep", filepath.Join(prefix, shimDir, "limactl-logkeep")))
}

// limaFiles puts stand-ins for Lima's own files into prefix (limactl and its
// plugin limactl-mcp), which no install or uninstall may touch, and returns them.
func limaFiles(t *testing.T, prefix string) []string {
	t.Helper()
	own := []string{"bin/limactl", "libexec/lima/limactl-mcp", "share/lima/lima-guestagent.Linux-x86_64"}
	for _, f := range own {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(prefix, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(prefix, f), []byte("#!/bin/sh\n# Lima's\n"), 0o755))
	}
	return own
}

// Installing over an earlier layout leaves no large file where Lima looks, the
// wrapper a link to the new program, and `make uninstall` then removes every
// file of logkeep's, the earlier layout's included, and none of Lima's.
func TestInstallOverEarlierLayouts(t *testing.T) {
	t.Parallel()
	requireEnv(t, "LOGKEEP_BIN")
	for _, kind := range []string{"links", "shell shim"} {
		t.Run(strings.ReplaceAll(kind, " ", "_"), func(t *testing.T) {
			prefix := t.TempDir()
			lima := limaFiles(t, prefix)
			earlierLayout(t, prefix, kind)
			install(t, os.Getenv("LOGKEEP_BIN"), prefix)

			assert.Equal(t, 3, checkScannedFilesSmall(t, prefix))
			assert.NoFileExists(t, filepath.Join(prefix, shimDir, "limactl-logkeep"))
			wrapper, err := filepath.EvalSymlinks(filepath.Join(prefix, shimDir, "limactl"))
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(prefix, program), wrapper, "the wrapper is a link to the new program")
			assert.Contains(t, runProgram(t, []string{"LIMACTL=" + fakeLimactl(t)}, filepath.Join(prefix, shimDir, "limactl"), "list"),
				"real limactl: list")
			for _, dir := range pluginDirs {
				assert.Contains(t, runProgram(t, nil, filepath.Join(prefix, dir, "limactl-logkeep"), "--version"), "limactl-logkeep version")
			}

			makeUninstall(t, prefix)
			assert.Equal(t, lima, files(t, prefix), "only Lima's files are left")
			assert.NoDirExists(t, filepath.Join(prefix, shimDir))
			assert.NoDirExists(t, filepath.Join(prefix, "lib", "lima"), "emptied, so removed")
		})
	}
	// Lima on Windows finds plugins by PATHEXT and runs no sh script: the program
	// itself stands in bin only (no links in a zip: the wrapper is a copy).
	t.Run("windows", func(t *testing.T) {
		prefix := t.TempDir()
		earlierLayout(t, prefix, "windows")
		install(t, "--windows", "--completer", os.Getenv("LOGKEEP_BIN"), os.Getenv("LOGKEEP_BIN"), prefix)
		assert.Equal(t, []string{"bin/limactl-logkeep.exe", "libexec/limactl-logkeep/limactl.exe",
			"share/bash-completion/completions/limactl-logkeep", "share/doc/limactl-logkeep/LICENSE",
			"share/doc/limactl-logkeep/README.md", "share/zsh/site-functions/_limactl-logkeep"}, files(t, prefix))
		makeUninstall(t, prefix)
		assert.Empty(t, files(t, prefix))
	})
}

var descRE = regexp.MustCompile(`<limactl-desc>(.*?)</limactl-desc>`)

// entryDescription is the description the plugin entry gives Lima.
func entryDescription(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "limactl-logkeep"))
	require.NoError(t, err)
	m := descRE.FindSubmatch(b)
	require.NotNil(t, m, "no <limactl-desc> in scripts/limactl-logkeep")
	return strings.TrimSpace(string(m[1]))
}

// limaPrefix returns a prefix holding v's limactl in bin (a link, as Homebrew
// links a formula's commands into its bin).
func limaPrefix(t *testing.T, v limaVersion) string {
	t.Helper()
	prefix := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(prefix, "bin"), 0o755))
	require.NoError(t, os.Symlink(v.limactl, filepath.Join(prefix, "bin", "limactl")))
	return prefix
}

// Installed into the prefix of each real Lima: Lima 2 lists the plugin with its
// description in `limactl --help` and `limactl info`, and runs `limactl logkeep
// …` and `limactl logkeep -- …`; the wrapper first on PATH (any Lima) hands
// `limactl list` to the real limactl byte for byte and keeps the logs of a
// deleted instance with RDD_KEEP_LOGS; a start-at-login drop-in runs the
// program; the completion script completes through the entry; `make uninstall`
// then leaves none of logkeep's files in the prefix.
func TestInstallIntoLimaPrefix(t *testing.T) {
	t.Parallel()
	forEachVersion(t, installIntoLimaPrefix)
}

func installIntoLimaPrefix(t *testing.T, l *lima) {
	prefix := limaPrefix(t, l.version)
	before := files(t, prefix)
	install(t, os.Getenv("LOGKEEP_BIN"), prefix)
	limactl := filepath.Join(prefix, "bin", "limactl")
	path := "PATH=" + filepath.Join(prefix, "bin") + ":/usr/bin:/bin"
	plain := []string{"-LIMACTL", path}
	l.create("inst")
	listed := l.must(l.limactl("list", "-q")).stdout
	require.Equal(t, "inst\n", listed)

	if l.version.major >= 2 {
		t.Run("the plugin, with its description", func(t *testing.T) {
			desc := entryDescription(t)
			help := l.must(l.run(plain, limactl, "--help")).stdout
			assert.Regexp(t, `(?m)^\s+logkeep\s+`+regexp.QuoteMeta(desc)+`$`, help)
			var found bool
			for _, p := range infoPluginList(t, l.must(l.run(plain, limactl, "info")).stdout) {
				if p.Name == "logkeep" {
					found = true
					assert.Equal(t, filepath.Join(prefix, "bin", "limactl-logkeep"), p.Path)
					assert.Equal(t, desc, p.Description)
				}
			}
			assert.True(t, found, "limactl info lists logkeep")
			assert.Contains(t, l.must(l.run(plain, limactl, "logkeep", "--version")).stdout, "limactl-logkeep version")
			assert.Equal(t, listed, l.must(l.run(plain, limactl, "logkeep", "--", "list", "-q")).stdout)
		})
		t.Run("start-at-login runs the program", func(t *testing.T) {
			config := filepath.Join(t.TempDir(), "config")
			unit := filepath.Join(config, "systemd", "user", "lima-vm@inst.service")
			dropIn := filepath.Join(unit+".d", "limactl-logkeep.conf")
			renderLimaUnit(t, unit, l.version.limactl)
			xdg := append(slices.Clone(plain), "XDG_CONFIG_HOME="+config)
			l.must(l.run(xdg, limactl, "logkeep", "start-at-login", "inst"))
			svc := readService(t, unit, dropIn, "inst")
			assert.Equal(t, filepath.Join(prefix, program), svc.pre[0], "ExecStartPre runs the program itself")
			pre := exec.Command(svc.pre[0], svc.pre[1:]...)
			pre.Env = append(withEnv(os.Environ(), []string{"-LIMA_HOME", "-LIMACTL"}), svc.env...)
			out, err := pre.CombinedOutput()
			assert.NoError(t, err, "ExecStartPre on the stopped instance: %s", out)
		})
	}

	t.Run("the wrapper", func(t *testing.T) {
		wrapped := []string{"-LIMACTL", "PATH=" + filepath.Join(prefix, shimDir) + ":" + filepath.Join(prefix, "bin") + ":/usr/bin:/bin"}
		wrapper := filepath.Join(prefix, shimDir, "limactl")
		for _, args := range [][]string{{"list"}, {"list", "-q"}, {"list", "--json"}} {
			got, want := l.run(wrapped, wrapper, args...), l.run(plain, limactl, args...)
			assert.Equal(t, want.status, got.status, "%q", args)
			assert.Equal(t, want.stdout, got.stdout, "%q", args)
		}
		serial := filepath.Join(l.home, "inst", "serial.log")
		require.NoError(t, os.WriteFile(serial, []byte("LOGKEEP-BOOT-MARKER 1e5\n"), 0o644))
		l.must(l.run(append(slices.Clone(wrapped), "RDD_KEEP_LOGS=1"), wrapper, "delete", "inst"))
		assert.NoDirExists(t, filepath.Join(l.home, "inst"))
		kept, err := filepath.Glob(filepath.Join(l.home, "_logkeep", "inst", "*", "serial.log"))
		require.NoError(t, err)
		require.Len(t, kept, 1, "delete through the wrapper with RDD_KEEP_LOGS keeps the log")
		assert.Equal(t, "LOGKEEP-BOOT-MARKER 1e5", marker(t, kept[0]))
	})

	t.Run("bash completion, through the entry", func(t *testing.T) {
		script := `source "$1"; COMP_WORDS=(limactl-logkeep pr); COMP_CWORD=1; _limactl_logkeep; printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "-c", script, "bash", filepath.Join(prefix, "share", "bash-completion", "completions", "limactl-logkeep"))
		cmd.Env = withEnv(os.Environ(), []string{path, "LIMA_HOME=" + l.home})
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Equal(t, "preserved\nprune\n", string(out))
	})

	makeUninstall(t, prefix)
	assert.Equal(t, before, files(t, prefix), "make uninstall leaves only Lima's files")
	for _, dir := range []string{shimDir, "libexec/lima", "lib/lima", "share/doc/limactl-logkeep"} {
		assert.NoDirExists(t, filepath.Join(prefix, dir))
	}
}

// infoPlugin is a plugin as `limactl info` lists it.
type infoPlugin struct{ Name, Path, Description string }

// infoPluginList returns the plugins `limactl info` (JSON) lists.
func infoPluginList(t *testing.T, info string) []infoPlugin {
	t.Helper()
	var parsed struct {
		Plugins []infoPlugin `json:"plugins"`
	}
	require.NoError(t, json.Unmarshal([]byte(info), &parsed), "limactl info: %s", info)
	return parsed.Plugins
}
