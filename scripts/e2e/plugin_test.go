// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pluginDirs are where `make install` puts the plugin entry (relative to its
// prefix): Lima 2 looks for plugins next to limactl, on PATH, in
// <prefix>/libexec/lima and (Homebrew's) <prefix>/lib/lima.
var pluginDirs = []string{"bin", "libexec/lima", "lib/lima"}

// pluginLima returns the limactl of a fresh Lima prefix: bin/limactl is a link to
// v's limactl (as Homebrew links its formulae's commands into its bin), and dir
// (one of pluginDirs) leads to the plugin entry that `make install` put into
// LOGKEEP_PREFIX: for "bin" a link to the installed entry, else a link to the
// installed directory, so the entries `make install` put there are the ones used.
func pluginLima(t *testing.T, v limaVersion, dir string) string {
	t.Helper()
	requireEnv(t, "LOGKEEP_PREFIX")
	installed := os.Getenv("LOGKEEP_PREFIX")
	prefix := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(prefix, "bin"), 0o755))
	limactl := filepath.Join(prefix, "bin", "limactl")
	require.NoError(t, os.Symlink(v.limactl, limactl))
	if dir == "bin" {
		require.NoError(t, os.Symlink(filepath.Join(installed, "bin", "limactl-logkeep"),
			filepath.Join(prefix, "bin", "limactl-logkeep")))
		return limactl
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(prefix, dir)), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(installed, dir), filepath.Join(prefix, dir)))
	return limactl
}

// `make install` lays the plugin entry out where Lima 2.2 looks for it; from
// each of those places `limactl --help` and `limactl info` list it with its
// description, and `limactl logkeep …` and `limactl logkeep -- …` run the
// program (Lima 1 runs no plugins).
func TestPluginDiscovery(t *testing.T) {
	t.Parallel()
	onlyV2(t, func(t *testing.T, l *lima) {
		desc := entryDescription(t)
		l.create("disc")
		listed := l.must(l.limactl("list", "-q")).stdout
		for _, dir := range pluginDirs {
			t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
				limactl := pluginLima(t, l.version, dir)
				where := filepath.Join(filepath.Dir(filepath.Dir(limactl)), dir, "limactl-logkeep")
				noLimaOnPath := []string{"-LIMACTL", "PATH=/usr/bin:/bin"}
				help := l.must(l.run(noLimaOnPath, limactl, "--help"))
				assert.Regexp(t, `(?m)^\s+logkeep\s+`+regexp.QuoteMeta(desc)+`$`, help.stdout, "limactl --help lists the plugin, described")
				info := l.must(l.run(noLimaOnPath, limactl, "info"))
				assert.Contains(t, infoPluginList(t, info.stdout), infoPlugin{Name: "logkeep", Path: where, Description: desc},
					"limactl info lists the plugin where it found it, described")
				version := l.must(l.run(noLimaOnPath, limactl, "logkeep", "--version"))
				assert.Contains(t, version.stdout, "limactl-logkeep")
				assert.Equal(t, listed, l.must(l.run(noLimaOnPath, limactl, "logkeep", "--", "list", "-q")).stdout,
					"limactl logkeep -- LINE runs the real limactl's LINE")
			})
		}
	})
}

// `limactl logkeep start VM` and `limactl logkeep restart VM`, found by Lima
// 2.2's own discovery, keep the previous boot's console: after a stop, and on
// a running instance.
func TestPluginStartRestart(t *testing.T) {
	t.Parallel()
	onlyV2(t, func(t *testing.T, l *lima) {
		limactl := pluginLima(t, l.version, "libexec/lima")
		plugin := func(args ...string) result {
			t.Helper()
			return l.run([]string{"-LIMACTL"}, limactl, append([]string{"logkeep"}, args...)...)
		}
		dir := l.create("plug")
		serial := filepath.Join(dir, "serial.log")
		began := time.Now()
		l.must(plugin("start", "plug"))
		timed(t, "boot 1: limactl logkeep start", began)
		boot1 := marker(t, serial)
		l.must(l.limactl("stop", "plug"))

		began = time.Now()
		l.must(plugin("start", "plug"))
		timed(t, "boot 2: limactl logkeep start", began)
		boot2 := marker(t, serial)
		assert.NotEqual(t, boot1, boot2)
		assert.Equal(t, "serial.1.log", generationWith(t, dir, boot1), "start keeps boot 1's console")

		began = time.Now()
		l.must(plugin("restart", "plug"))
		timed(t, "boot 3: limactl logkeep restart (running)", began)
		assert.NotEqual(t, boot2, marker(t, serial))
		assert.Equal(t, "serial.2.log", generationWith(t, dir, boot2), "restart keeps boot 2's console")
		assert.Equal(t, "Running", l.status("plug"))
	})
}

// Through the drop-in wrapper, Lima 2.2 sees itself: the wrapper runs the real
// limactl with its own path as argv[0], from which Lima derives its directory,
// where it looks for plugins first and which it puts first in the PATH it gives
// a plugin. Were it run as a bare "limactl", Lima would take the wrapper's
// directory for its own. A plugin script that prints its PATH tells which, and
// `limactl info` lists the same plugins, at the same paths, as without the wrapper.
func TestWrapperLetsLimaSeeItself(t *testing.T) {
	t.Parallel()
	onlyV2(t, func(t *testing.T, l *lima) {
		probeDir, shimDir := t.TempDir(), t.TempDir()
		probe := "#!/bin/sh\nprintf '%s\\n' \"$PATH\"\n"
		require.NoError(t, os.WriteFile(filepath.Join(probeDir, "limactl-pathprobe"), []byte(probe), 0o755))
		require.NoError(t, os.Symlink(os.Getenv("LOGKEEP_BIN"), filepath.Join(shimDir, "limactl")))
		limaDir := filepath.Dir(l.version.limactl)
		path := probeDir + ":" + limaDir + ":" + os.Getenv("PATH")
		direct := []string{"PATH=" + path, "-LIMACTL"}
		wrapped := []string{"PATH=" + shimDir + ":" + path, "-LIMACTL"}

		got := l.must(l.run(wrapped, filepath.Join(shimDir, "limactl"), "pathprobe"))
		dirs := filepath.SplitList(strings.TrimSpace(got.stdout))
		require.NotEmpty(t, dirs)
		assert.Equal(t, limaDir, dirs[0], "the plugin's PATH starts with the real limactl's directory")
		assert.Equal(t, strings.TrimSpace(l.must(l.run(direct, l.version.limactl, "pathprobe")).stdout),
			strings.TrimSpace(strings.Replace(got.stdout, shimDir+":", "", 1)),
			"the plugin's PATH is the one the real limactl gives, but for the wrapper's directory in the inherited PATH")

		assert.Equal(t, infoPlugins(t, l.must(l.run(direct, l.version.limactl, "info")).stdout),
			infoPlugins(t, l.must(l.run(wrapped, filepath.Join(shimDir, "limactl"), "info")).stdout),
			"limactl info through the wrapper finds the plugins the real limactl finds")
	})
}

// infoPlugins returns the plugins `limactl info` (JSON) lists, name and path.
func infoPlugins(t *testing.T, info string) []string {
	t.Helper()
	var parsed struct {
		Plugins []struct{ Name, Path string } `json:"plugins"`
	}
	require.NoError(t, json.Unmarshal([]byte(info), &parsed), "limactl info: %s", info)
	var plugins []string
	for _, p := range parsed.Plugins {
		plugins = append(plugins, p.Name+" "+p.Path)
	}
	require.NotEmpty(t, plugins, "limactl info lists no plugin: %s", info)
	return plugins
}
