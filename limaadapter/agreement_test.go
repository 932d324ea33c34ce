// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/lima-vm/lima/v2/pkg/limatmpl"
	"github.com/lima-vm/lima/v2/pkg/limatype"
	"github.com/lima-vm/lima/v2/pkg/limatype/dirnames"
	"github.com/lima-vm/lima/v2/pkg/store"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The production code keeps pkg/store and pkg/limatmpl out of the binary (their
// package initialisation would run on every command). These tests hold the few
// rules taken from them to Lima v2.2.0's own functions, which only the test
// binary links.

// limaImageURLRegex is limatmpl's unexported imageURLRegex (Lima v2.2.0).
var limaImageURLRegex = regexp.MustCompile(`\.(img|qcow2|raw|iso|ipsw)(\.(gz|xz|bz2|zstd))?$`)

// limaNameFromLocator is how limatmpl.Read names an instance made from a
// locator without --name. atRunTime is true where Lima needs the network
// (github:), a plugin (a scheme limactl-url-SCHEME may serve) or its image
// heuristics; it never fetches: github: is answered before Lima would fetch.
func limaNameFromLocator(locator string) (name string, atRunTime bool, err error) {
	if u, err := url.Parse(locator); err == nil && len(u.Scheme) > 1 {
		switch u.Scheme {
		case "template", "http", "https", "file":
		default:
			return "", true, nil // github: fetches; any other scheme may be a plugin's
		}
	}
	resolved, err := limatmpl.TransformCustomURL(context.Background(), locator)
	if err != nil {
		return "", false, err
	}
	if limaImageURLRegex.MatchString(resolved) {
		return "", true, nil
	}
	if isTemplate, template := limatmpl.SeemsTemplateURL(resolved); isTemplate {
		name, err = limatmpl.InstNameFromYAMLPath(template)
		return name, false, err
	}
	if limatmpl.SeemsHTTPURL(resolved) || limatmpl.SeemsFileURL(resolved) {
		name, err = limatmpl.InstNameFromURL(resolved)
		return name, false, err
	}
	name, err = limatmpl.InstNameFromYAMLPath(resolved)
	return name, false, err
}

// locatorSeeds are locators of every form Lima v2.2.0 and v1.2.1 know, and odd ones.
var locatorSeeds = []string{
	"template://docker", "template://sub/dir/k8s", "template:docker", "template:sub/dir/K8s.yml", "template:",
	"template:/abs", "template:x?q#f", "template:docker.iso", "template://", "template:///x",
	"https://example.com/t/Alpine.yaml", "http://h/", "file:///tmp/k.yml", "file:rel.yaml", "HTTPS://H/A.YML",
	"./dir/tiny.yaml", "/abs/UPPER.yml", "%zz", "::", "a b.yaml", "https://h/p/x.yaml?q=1#f", "vm.yaml.yml",
	"github:lima-vm/lima/templates/docker", "github:org", "github:org/repo/dir/@v1", "myscheme:foo/bar.yaml",
	"c:/x/y.yaml", "C:\\x\\y.yaml", "https://h/debian-12-genericcloud-amd64.qcow2", "/x/img.raw.xz", "./a.img.gz.gz",
	"x.ISO", "file:///x/y.ipsw", "-",
}

// FuzzAgreesWithLima checks ValidateName against dirnames.ValidateInstName, and
// nameFromLocator against limatmpl, error for error and name for name; where
// only limactl can name the instance, nameFromLocator must say so.
func FuzzAgreesWithLima(f *testing.F) {
	logrus.SetLevel(logrus.ErrorLevel) // TransformCustomURL warns about template:// and github:
	for _, s := range []string{"", "vm", "default", "a.b-c_d", "x.yaml", "a.", "a..b", "a-_b", "_a", "Ab9", "é", "a\x00b", "a b", "0123456789012345678901234567890123456789012345678901234567890123456789012345", "X.YML", "-a", "a--b", "a/b", "..", "\u212Am",
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678"} {
		f.Add(s)
	}
	for _, s := range locatorSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours, lima := ValidateName(s), dirnames.ValidateInstName(s)
		if (ours == nil) != (lima == nil) {
			t.Fatalf("ValidateName(%q) = %v, Lima's dirnames.ValidateInstName = %v", s, ours, lima)
		}
		if seemsImage(s) != limaImageURLRegex.MatchString(s) {
			t.Fatalf("seemsImage(%q) = %v, Lima's imageURLRegex says %v", s, seemsImage(s), !seemsImage(s))
		}
		name, err := nameFromLocator(s)
		limaName, atRunTime, limaErr := limaNameFromLocator(s)
		if atRunTime != errors.Is(err, errNameAtRunTime) {
			t.Fatalf("nameFromLocator(%q) = %q, %v; yet Lima names it at run time: %v", s, name, err, atRunTime)
		}
		if !atRunTime && (name != limaName || (err == nil) != (limaErr == nil)) {
			t.Fatalf("nameFromLocator(%q) = %q, %v; limatmpl names it %q, %v", s, name, err, limaName, limaErr)
		}
	})
}

// TestLocatorNames pins the name of each locator form, as Lima v2.2.0 derives it.
func TestLocatorNames(t *testing.T) {
	for locator, want := range map[string]string{
		"template:docker": "docker", "template://docker": "docker", "template:deprecated/centos-7.yaml": "centos-7",
		"template://sub/dir/K8s.yml": "k8s", "https://example.com/t/Alpine.yaml": "alpine",
		"file:///tmp/k.yml": "k", "./dir/tiny.yaml": "tiny", "/abs/UPPER.yml": "upper", "rel/x.y": "x.y", "x.yaml.yml": "x",
	} {
		name, err := nameFromLocator(locator)
		require.NoError(t, err, locator)
		assert.Equal(t, want, name, locator)
	}
	for _, locator := range []string{"github:lima-vm/lima/templates/docker", "github:org", "myplugin:foo",
		"https://h/debian-12-genericcloud-amd64.qcow2", "template:x.iso", "./disk.img.xz"} {
		_, err := nameFromLocator(locator)
		assert.ErrorIs(t, err, errNameAtRunTime, locator)
	}
	for _, locator := range []string{"template:", "http://h/", "a b.yaml", ".hidden.yaml"} {
		_, err := nameFromLocator(locator)
		require.Error(t, err, locator)
		assert.NotErrorIs(t, err, errNameAtRunTime, locator)
	}
}

func TestPathsAndNamesAgreeWithLimaStore(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	for _, name := range []string{"vm", "b", "_config", ".hidden", "x.yaml", "a"} {
		require.NoError(t, os.Mkdir(filepath.Join(home, name), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(home, "file"), nil, 0o644))
	require.NoError(t, os.Symlink(filepath.Join(home, "vm"), filepath.Join(home, "link")))

	names, err := InstanceNames()
	require.NoError(t, err)
	limaNames, err := store.Instances()
	require.NoError(t, err)
	var valid []string
	for _, name := range limaNames {
		if dirnames.ValidateInstName(name) == nil {
			valid = append(valid, name)
		}
	}
	assert.ElementsMatch(t, valid, names)
	assert.Equal(t, []string{"a", "b", "vm"}, names)

	dir, err := InstanceDir("vm")
	require.NoError(t, err)
	limaDir, err := dirnames.InstanceDir("vm")
	require.NoError(t, err)
	assert.Equal(t, limaDir, dir)

	assert.Equal(t, string(limatype.StatusRunning), StatusRunning)
	assert.Equal(t, string(limatype.StatusStopped), StatusStopped)
}

// liveProcess starts a process that lives until the test ends and returns its pid.
func liveProcess(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd.Process.Pid
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

// TestStatusAgreesWithLima gives a real instance, made by each real limactl
// (v2.2.0 and v1.2.1), the pid files of each state and compares Inspect's status
// with that limactl's own (`limactl list --json`, what Inspect asks when the pid
// files leave a doubt). Both processes alive is "Running" for Inspect; Lima then
// also asks the host agent's socket, which only a real VM has (the end-to-end
// tests).
func TestStatusAgreesWithLima(t *testing.T) {
	for version, limactl := range realLimactls(t) {
		t.Run(version, func(t *testing.T) { testStatusAgreesWithLima(t, limactl) })
	}
}

func testStatusAgreesWithLima(t *testing.T, limactl string) {
	t.Setenv("LIMA_HOME", t.TempDir())
	dir := createInstance(t, limactl, "vm")
	in := Inspector{Limactl: Limactl{Path: limactl}}
	live, dead := strconv.Itoa(liveProcess(t)), strconv.Itoa(deadPID(t))

	for _, tc := range []struct {
		name     string
		ha, qemu string // pid file contents; "" = no file
		want     string
	}{
		{"no pid files", "", "", "Stopped"},
		{"stale pid files", dead, dead, "Stopped"},
		{"host agent alive, no driver", live, "", "Broken"},
		{"driver alive, no host agent", dead, live, "Broken"},
		{"unparsable pid file", "x", "", "Broken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writePIDFiles := func() {
				for file, pid := range map[string]string{"ha.pid": tc.ha, "qemu.pid": tc.qemu} {
					os.Remove(filepath.Join(dir, file))
					if pid != "" {
						require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(pid+"\n"), 0o644))
					}
				}
			}
			writePIDFiles()
			inst, err := in.Inspect(context.Background(), "vm")
			require.NoError(t, err)
			assert.Equal(t, tc.want, inst.Status, "Inspect")

			writePIDFiles() // Lima removes stale pid files; Inspect leaves them
			lima, err := in.listStatus(context.Background(), "vm")
			require.NoError(t, err)
			assert.Equal(t, tc.want, lima, "limactl list --json")
		})
	}

	t.Run("both alive", func(t *testing.T) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.pid"), []byte(live), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "qemu.pid"), []byte(live), 0o644))
		inst, err := Inspector{}.Inspect(context.Background(), "vm") // no limactl needed
		require.NoError(t, err)
		assert.Equal(t, "Running", inst.Status)
		assert.False(t, inst.Stopped())
	})
}

// TestInspectLeavesStalePIDFiles checks what Lima's store does not: a stale pid
// file is evidence of how the last boot ended and stays.
func TestInspectLeavesStalePIDFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	dir := filepath.Join(home, "vm")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), nil, 0o644))
	pidFile := filepath.Join(dir, "qemu.pid")
	require.NoError(t, os.WriteFile(pidFile, []byte(strconv.Itoa(deadPID(t))), 0o644))

	inst, err := Inspector{}.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.Equal(t, "Stopped", inst.Status)
	assert.FileExists(t, pidFile)
}
