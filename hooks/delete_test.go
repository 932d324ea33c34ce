// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/limaadapter"
)

func deleteInv(args ...string) limaadapter.Invocation {
	return limaadapter.Invocation{Command: "delete", Args: args}
}

// The original implementation removed the instance directory itself and
// skipped Lima's driver clean-up.
func TestDeleteGoesThroughLimactlDeleteAndNeverRemovesTheInstanceDir(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})

	status, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"delete", "vm"}}, fx.lima.execs)
	assert.DirExists(t, dir, "only limactl delete may remove it")
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")), "without keep-logs nothing is moved")
	assert.NoDirExists(t, fx.hooks.LogsDir)
}

func TestDeleteKeepLogsPreservesEveryLogAndConfig(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "vm", "Running", map[string]string{
		"serial.log": "boot 2", "serial.1.log": "boot 1", "ha.stderr.log": "ha 2", "diffdisk": "disk",
	})

	_, err := fx.hooks.Delete(context.Background(), deleteInv("-f", "vm"))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"stop", "--force", "vm"}}, fx.lima.runs)
	assert.Equal(t, [][]string{{"delete", "-f", "vm"}}, fx.lima.execs)
	set := filepath.Join(fx.hooks.LogsDir, "vm", "20261126T093000Z")
	assert.Equal(t, "boot 2", readFile(t, filepath.Join(set, "serial.log")))
	assert.Equal(t, "boot 1", readFile(t, filepath.Join(set, "serial.1.log")))
	assert.Equal(t, "ha 2", readFile(t, filepath.Join(set, "ha.stderr.log")))
	assert.Equal(t, "vmType: qemu\n", readFile(t, filepath.Join(set, "lima.yaml")))
	assert.NoFileExists(t, filepath.Join(set, "diffdisk"))
}

func TestDeleteProtectedInstanceIsUntouched(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})
	fx.lima.protected["vm"] = true

	_, err := fx.hooks.Delete(context.Background(), deleteInv("--force", "vm"))
	require.NoError(t, err)
	assert.Empty(t, fx.lima.runs, "a protected instance is not stopped")
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
	assert.Equal(t, [][]string{{"delete", "--force", "vm"}}, fx.lima.execs, "limactl refuses it with its own message")
}

func TestDeleteStopsPreparingAtTheFirstProtectedInstance(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "a", "Stopped", map[string]string{"serial.log": "a"})
	fx.instance(t, "b", "Stopped", map[string]string{"serial.log": "b"})
	dirC := fx.instance(t, "c", "Running", map[string]string{"serial.log": "c"})
	fx.lima.protected["b"] = true

	_, err := fx.hooks.Delete(context.Background(), deleteInv("a", "b", "c"))
	require.NoError(t, err)
	assert.DirExists(t, filepath.Join(fx.hooks.LogsDir, "a"))
	assert.NoDirExists(t, filepath.Join(fx.hooks.LogsDir, "b"))
	assert.NoDirExists(t, filepath.Join(fx.hooks.LogsDir, "c"))
	assert.Empty(t, fx.lima.runs)
	assert.Equal(t, "c", readFile(t, filepath.Join(dirC, "serial.log")))
}

func TestDeleteMissingInstanceIsLeftToLimactl(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Delete(context.Background(), deleteInv("ghost", "vm"))
	require.NoError(t, err)
	assert.DirExists(t, filepath.Join(fx.hooks.LogsDir, "vm"))
	assert.Equal(t, [][]string{{"delete", "ghost", "vm"}}, fx.lima.execs)
}

func TestDeleteStopFailureDeletesNothing(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})
	fx.lima.runStatus = 1

	status, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.NoError(t, err)
	assert.Equal(t, 1, status)
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestDeleteRefusesBadNamesBeforeTouchingAnything(t *testing.T) {
	for _, name := range []string{"../x", "/etc", "a/b", "", strings.Repeat("a", 200), "a\x00b", "vm.yaml", "-", ".."} {
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t)
			fx.hooks.KeepLogs = true
			dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})

			status, err := fx.hooks.Delete(context.Background(), deleteInv("vm", "--", name))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid instance name")
			assert.NotEqual(t, 0, status)
			assert.Empty(t, fx.lima.runs)
			assert.Empty(t, fx.lima.execs)
			assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
		})
	}
}

func TestDeleteStrictRefusesWhenALogCannotBePreserved(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.hooks.Strict = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
	// The logs directory of the instance is a file: nothing can be preserved there.
	require.NoError(t, os.MkdirAll(fx.hooks.LogsDir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(fx.hooks.LogsDir, "vm"), nil, 0o600))

	status, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Contains(t, err.Error(), filepath.Join(fx.hooks.LogsDir, "vm"))
	assert.NotEqual(t, 0, status)
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

// Issue #20: an instance whose logs could not all be preserved used to be
// deleted after the report, with exit status 0. It is now left with its logs,
// the other instances of the line are deleted, and the status is non-zero.
func TestDeleteLeavesAnInstanceWhoseLogsCannotBePreserved(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	testutil.RequireNonRoot(t)
	fx.instance(t, "a", "Stopped", map[string]string{"serial.log": "A"})
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "V", "serial.1.log": "V1"})
	fx.instance(t, "z", "Stopped", map[string]string{"serial.log": "Z"})
	require.NoError(t, os.Chmod(dir, 0o555)) // its logs cannot be moved out
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })

	status, err := fx.hooks.Delete(context.Background(), deleteInv("-f", "a", "vm", "ghost", "z"))
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Equal(t, 1, status)
	assert.Contains(t, err.Error(), `not deleting instance "vm"`)
	assert.Contains(t, err.Error(), "permission denied")
	assert.NotContains(t, err.Error(), "\n")
	assert.Equal(t, [][]string{{"delete", "--force=true", "a", "ghost", "z"}}, fx.lima.runs, "the others are deleted, as a child")
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "V", readFile(t, filepath.Join(dir, "serial.log")))
	assert.Equal(t, "V1", readFile(t, filepath.Join(dir, "serial.1.log")))
	assert.DirExists(t, filepath.Join(fx.hooks.LogsDir, "a"))
}

// A logs directory that cannot take the logs (here <logs-dir>/vm is a file) is
// found before anything is stopped: the running instance runs on, untouched.
func TestDeleteChecksTheLogsDirBeforeStoppingAnything(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "V"})
	require.NoError(t, os.MkdirAll(fx.hooks.LogsDir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(fx.hooks.LogsDir, "vm"), nil, 0o600))

	status, err := fx.hooks.Delete(context.Background(), deleteInv("-f", "vm"))
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Equal(t, 1, status)
	assert.Contains(t, err.Error(), "nothing was stopped or deleted")
	assert.Contains(t, err.Error(), filepath.Join(fx.hooks.LogsDir, "vm"))
	assert.Empty(t, fx.lima.runs, "not even stopped")
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "V", readFile(t, filepath.Join(dir, "serial.log")))

	_, err = fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm"}})
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Empty(t, fx.lima.runs)
	assert.Empty(t, fx.lima.execs)
}

func TestDeleteRunsNoLimactlWhenNoInstanceIsLeftToDelete(t *testing.T) {
	testutil.RequireNonRoot(t)
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "V"})
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })

	status, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Equal(t, 1, status)
	assert.Empty(t, fx.lima.runs)
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "V", readFile(t, filepath.Join(dir, "serial.log")))

	status, err = fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm"}})
	require.ErrorIs(t, err, ErrNotPreserved)
	assert.Equal(t, 1, status)
	assert.Contains(t, err.Error(), `not resetting instance "vm"`)
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "V", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestFactoryResetKeepLogsStopsForciblyAndPreserves(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A", "serial.3.log": "old"})

	_, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm"}})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"stop", "--force", "vm"}}, fx.lima.runs)
	assert.Equal(t, [][]string{{"factory-reset", "vm"}}, fx.lima.execs)
	set := filepath.Join(fx.hooks.LogsDir, "vm", "20261126T093000Z")
	assert.Equal(t, "A", readFile(t, filepath.Join(set, "serial.log")))
	assert.Equal(t, "old", readFile(t, filepath.Join(set, "serial.3.log")))
}

func TestFactoryResetWithoutKeepLogsOnlyDelegates(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm"}})
	require.NoError(t, err)
	assert.Empty(t, fx.lima.runs)
	assert.Equal(t, [][]string{{"factory-reset", "vm"}}, fx.lima.execs)
	assert.FileExists(t, filepath.Join(dir, "serial.log"))
}

// factory-reset used to hand over to limactl on any inspection failure, which
// then removed every log although keep-logs was asked for.
func TestFactoryResetInspectFailureStopsWithTheError(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
	broken := fmt.Errorf("cannot inspect: %w", os.ErrPermission)
	fx.lima.failOn("Inspect", "vm", broken)

	status, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm"}})
	require.ErrorIs(t, err, os.ErrPermission)
	assert.NotEqual(t, 0, status)
	assert.Contains(t, err.Error(), `"vm"`)
	assert.Contains(t, err.Error(), "limactl factory-reset vm")
	assert.Empty(t, fx.lima.runs)
	assert.Empty(t, fx.lima.execs, "nothing reset")
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestFactoryResetMissingInstanceGoesToLimactl(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	status, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"ghost"}})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"factory-reset", "ghost"}}, fx.lima.execs)
}

// Without keep-logs there is nothing to keep: the line goes to limactl as it is,
// which refuses to delete a running instance without --force. It used to be
// stopped and deleted.
func TestDeleteWithoutKeepLogsIsLimactlsAlone(t *testing.T) {
	for _, args := range [][]string{{"vm"}, {"-f", "vm"}, {"vm", "--", "../bad"}} {
		fx := newFixture(t)
		dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})
		fx.lima.failOn("Inspect", "vm", errors.New("must not be inspected"))

		status, err := fx.hooks.Delete(context.Background(), deleteInv(args...))
		require.NoError(t, err, "%q", args)
		assert.Equal(t, 0, status)
		assert.Empty(t, fx.lima.runs, "%q: not stopped", args)
		assert.Equal(t, [][]string{append([]string{"delete"}, args...)}, fx.lima.execs)
		assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
	}
}

func TestDeleteKeepLogsStopsARunningInstanceGracefullyWithoutForce(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"stop", "vm"}}, fx.lima.runs)
	assert.Equal(t, "A", readFile(t, filepath.Join(fx.hooks.LogsDir, "vm", "20261126T093000Z", "serial.log")))
	assert.Equal(t, [][]string{{"delete", "vm"}}, fx.lima.execs)
}

func TestDeleteKeepLogsInspectFailureDeletesNothing(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
	broken := errors.New("store unreadable")
	fx.lima.failOn("Inspect", "vm", broken)

	status, err := fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.ErrorIs(t, err, broken)
	assert.NotEqual(t, 0, status)
	assert.Empty(t, fx.lima.execs)
}

// With keep-logs, a delete or factory-reset line the wrapper cannot parse goes
// to limactl unchanged, after a warning naming the existing instances it may
// remove; help, and a delete line naming no instance, get none.
func TestDeleteKeepLogsWarnsAboutALineItCannotParse(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	var log bytes.Buffer
	logger := logrus.New()
	logger.SetOutput(&log)
	fx.hooks.Log = logger
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
	for _, tc := range []struct {
		inv   limaadapter.Invocation
		warns bool
	}{
		{deleteInv("--future", "vm", "ghost"), true},
		{limaadapter.Invocation{Command: "rm", Args: []string{"vm", "--future=1"}}, true},
		{limaadapter.Invocation{Command: "factory-reset", Args: []string{"--future"}}, false}, // no default instance
		{limaadapter.Invocation{Command: "factory-reset", Args: []string{"vm", "--future"}}, true},
		{deleteInv("--future", "ghost"), false},
		{deleteInv("--help"), false},
		{deleteInv("vm", "-h"), false},
		{deleteInv("--future"), false},
	} {
		log.Reset()
		fx.lima.execs = nil
		var err error
		if tc.inv.Command == "factory-reset" {
			_, err = fx.hooks.FactoryReset(context.Background(), tc.inv)
		} else {
			_, err = fx.hooks.Delete(context.Background(), tc.inv)
		}
		require.NoError(t, err)
		assert.Equal(t, [][]string{tc.inv.Argv()}, fx.lima.execs, "the line goes to limactl unchanged")
		assert.Equal(t, tc.warns, strings.Contains(log.String(), `so no logs were kept`), "%q: %s", tc.inv.Argv(), log.String())
		if tc.warns {
			assert.Contains(t, log.String(), "limactl logkeep collect vm -o")
			assert.Contains(t, log.String(), `instances="[vm]"`)
		}
		assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")), "nothing is moved")
	}
}

func TestFactoryResetKeepLogsRefusesABadName(t *testing.T) {
	fx := newFixture(t)
	fx.hooks.KeepLogs = true
	status, err := fx.hooks.FactoryReset(context.Background(), limaadapter.Invocation{Command: "factory-reset", Args: []string{"../vm"}})
	require.Error(t, err)
	assert.Equal(t, 1, status)
	assert.Contains(t, err.Error(), "../vm")
	assert.Empty(t, fx.lima.runs)
	assert.Empty(t, fx.lima.execs, "limactl is not run")
}
