package limaadapter

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lima-vm/lima/cmd/limactl/editflags"
	"github.com/lima-vm/lima/pkg/identifiers"
	"github.com/lima-vm/lima/pkg/limatmpl"
	"github.com/lima-vm/lima/pkg/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The production code keeps pkg/store and pkg/limatmpl out of the binary (their
// package initialisation would run on every command). These tests hold the few
// rules taken from them to Lima's own functions, which only the test binary links.

// limaNameFromLocator is how limatmpl.Read names an instance made from a locator.
func limaNameFromLocator(locator string) (string, error) {
	if isTemplate, template := limatmpl.SeemsTemplateURL(locator); isTemplate {
		return limatmpl.InstNameFromYAMLPath(template)
	}
	if limatmpl.SeemsHTTPURL(locator) || limatmpl.SeemsFileURL(locator) {
		return limatmpl.InstNameFromURL(locator)
	}
	return limatmpl.InstNameFromYAMLPath(locator)
}

// FuzzAgreesWithLima checks ValidateName against store.ValidateInstName and
// nameFromLocator against limatmpl, error for error and name for name.
func FuzzAgreesWithLima(f *testing.F) {
	for _, s := range []string{"", "vm", "default", "a.b-c_d", "x.yaml", "a.", "a..b", "a-_b", "_a", "Ab9", "é", "a\x00b", "a b", "0123456789012345678901234567890123456789012345678901234567890123456789012345", "X.YML", "-a", "a--b", "a/b", "..", "\u212Am",
		"template://docker", "template://sub/dir/k8s", "template:docker", "https://example.com/t/Alpine.yaml",
		"http://h/", "file:///tmp/k.yml", "./dir/tiny.yaml", "/abs/UPPER.yml", "%zz", "::", "a b.yaml",
		"https://h/p/x.yaml?q=1#f", "template://", "vm.yaml.yml", "0123456789012345678901234567890123456789012345678901234567890123456789012345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours, lima := ValidateName(s), store.ValidateInstName(s)
		if (ours == nil) != (lima == nil) {
			t.Fatalf("ValidateName(%q) = %v, Lima's store.ValidateInstName = %v", s, ours, lima)
		}
		if ours, lima := validIdentifier(s), identifiers.Validate(s); (ours == nil) != (lima == nil) {
			t.Fatalf("validIdentifier(%q) = %v, Lima's identifiers.Validate = %v", s, ours, lima)
		}
		name, err := nameFromLocator(s)
		limaName, limaErr := limaNameFromLocator(s)
		if name != limaName || (err == nil) != (limaErr == nil) {
			t.Fatalf("nameFromLocator(%q) = %q, %v; limatmpl names it %q, %v", s, name, err, limaName, limaErr)
		}
	})
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
		if store.ValidateInstName(name) == nil {
			valid = append(valid, name)
		}
	}
	assert.ElementsMatch(t, valid, names)
	assert.Equal(t, []string{"a", "b", "vm"}, names)

	dir, err := InstanceDir("vm")
	require.NoError(t, err)
	limaDir, err := store.InstanceDir("vm")
	require.NoError(t, err)
	assert.Equal(t, limaDir, dir)

	assert.Equal(t, store.StatusRunning, StatusRunning)
	assert.Equal(t, store.StatusStopped, StatusStopped)
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

// TestStatusAgreesWithLima gives a real instance (made by the real limactl) the
// pid files of each state and compares Inspect's status with Lima's: the store's
// for what the pid files settle, `limactl list --json` for the rest (what Inspect
// asks then). Both processes alive is "Running" for Inspect; Lima's store then also
// asks the host agent's socket, which only a real VM has (the end-to-end tests).
func TestStatusAgreesWithLima(t *testing.T) {
	limactl := realLimactl(t)
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

			writePIDFiles() // Lima's store removes stale pid files; Inspect leaves them
			lima, err := store.Inspect("vm")
			require.NoError(t, err)
			assert.Equal(t, tc.want, lima.Status, "Lima's store.Inspect")
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

// compatibleType reports whether our flag type accepts every value of Lima's:
// the same type, or a stringArray where a version had a string (--set).
func compatibleType(lima, ours string) bool {
	return lima == ours || (lima == "string" && ours == "stringArray")
}

// assertCovers checks that every flag of lima is in ours with the same shorthand,
// a compatible type and the same default for a flag given without a value.
func assertCovers(t *testing.T, lima, ours *pflag.FlagSet) {
	t.Helper()
	lima.VisitAll(func(f *pflag.Flag) {
		o := ours.Lookup(f.Name)
		if o == nil {
			t.Errorf("Lima's flag --%s (%s) is not in our table", f.Name, f.Value.Type())
			return
		}
		if o.Shorthand != f.Shorthand || o.NoOptDefVal != f.NoOptDefVal || !compatibleType(f.Value.Type(), o.Value.Type()) {
			t.Errorf("--%s: Lima has -%s %s %q, our table -%s %s %q", f.Name, f.Shorthand, f.Value.Type(), f.NoOptDefVal,
				o.Shorthand, o.Value.Type(), o.NoOptDefVal)
		}
	})
}

// TestStartFlagsAgreeWithLima holds registerStartFlags to limactl's own flag set
// of `limactl start`: every flag, with its shorthand, a compatible value type and
// its default for a flag given without a value.
func TestStartFlagsAgreeWithLima(t *testing.T) {
	lima := &cobra.Command{Use: "start"}
	lima.Flags().String("name", "", "")
	lima.Flags().Bool("list-templates", false, "")
	editflags.RegisterCreate(lima, "")
	lima.Flags().Bool("foreground", false, "")
	lima.Flags().Duration("timeout", 0, "")

	ours := pflag.NewFlagSet("start", pflag.ContinueOnError)
	registerStartFlags(ours)
	assertCovers(t, lima.Flags(), ours)

	edit := &cobra.Command{Use: "edit"}
	editflags.RegisterEdit(edit, "")
	oursEdit := pflag.NewFlagSet("edit", pflag.ContinueOnError)
	registerEditFlags(oursEdit)
	assertCovers(t, edit.Flags(), oursEdit)
}
