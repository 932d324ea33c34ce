// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/limaadapter"
)

func startInv(args ...string) limaadapter.Invocation {
	return limaadapter.Invocation{Command: "start", Args: args}
}

func TestStartRotatesStoppedInstanceThenExecsLimactlUnchanged(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot A\n", "ha.stderr.log": "ha A\n"})

	status, err := fx.hooks.Start(context.Background(), startInv("vm", "--timeout", "5m"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"start", "vm", "--timeout", "5m"}}, fx.lima.execs)
	assert.Equal(t, "boot A\n", readFile(t, filepath.Join(dir, "serial.1.log")))
	assert.Equal(t, "ha A\n", readFile(t, filepath.Join(dir, "ha.stderr.1.log")))
	assert.NoFileExists(t, filepath.Join(dir, "serial.log"))
}

func TestStartDefaultInstanceWhenNoArgument(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "default", "Stopped", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Start(context.Background(), startInv(), StartOptions{})
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, "serial.1.log"))
	assert.Equal(t, [][]string{{"start"}}, fx.lima.execs)
}

func TestStartRunningInstanceIsNotRotated(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "live"})

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, "live", readFile(t, filepath.Join(dir, "serial.log")))
	assert.ElementsMatch(t, []string{"lima.yaml", "serial.log"}, testutil.DirNames(t, dir))
	assert.Equal(t, [][]string{{"start", "vm"}}, fx.lima.execs)
}

func TestStartBrokenInstanceIsNotStarted(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Broken", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{})
	require.ErrorIs(t, err, ErrNotStopped)
	assert.ErrorIs(t, err, ErrNotStarted)
	assert.EqualError(t, err, `instance not started: failed to rotate the logs of instance "vm": its status is "Broken": instance is not stopped`)
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestStartNoRotateLeavesLogsToLima(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{NoRotate: true})
	require.NoError(t, err)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
	assert.Len(t, fx.lima.execs, 1)
}

// The original implementation ignored stat errors other than "not exist" and
// started the VM, which then destroyed the log.
func TestStartStatErrorDoesNotStartTheVM(t *testing.T) {
	testutil.RequireNonRoot(t)
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "precious"})
	require.NoError(t, os.Chmod(dir, 0o600)) // no search permission: every stat fails with EACCES
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })

	status, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrPermission)
	assert.Contains(t, err.Error(), "serial.log")
	assert.NotContains(t, err.Error(), "\n")
	assert.ErrorIs(t, err, ErrNotStarted)
	assert.NotEqual(t, 0, status)
	assert.Empty(t, fx.lima.execs, "the VM must not be started")
	require.NoError(t, os.Chmod(dir, 0o755))
	assert.Equal(t, "precious", readFile(t, filepath.Join(dir, "serial.log")))
}

// From a file limactl creates a new instance and refuses an existing name, so an
// existing instance of that name keeps its logs where they are.
func TestStartFromYAMLNeverRotatesTheExistingInstanceOfThatName(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "tiny", "Stopped", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Start(context.Background(), startInv("./templates/tiny.yaml"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
	assert.NoFileExists(t, filepath.Join(dir, "serial.1.log"))
	assert.Equal(t, [][]string{{"start", "./templates/tiny.yaml"}}, fx.lima.execs)
}

func TestRestartStopsRotatesStarts(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})

	_, err := fx.hooks.Restart(context.Background(),
		limaadapter.Invocation{Global: []string{"--debug"}, Command: "restart", Args: []string{"-f", "vm"}}, StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"--debug", "stop", "--force", "vm"}}, fx.lima.runs)
	assert.Equal(t, [][]string{{"--debug", "start", "vm"}}, fx.lima.execs)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.1.log")))
}

func TestRestartKeepsGlobalFlagsGivenAfterTheCommand(t *testing.T) {
	fx := newFixture(t)
	fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "A"})
	_, err := fx.hooks.Restart(context.Background(), restartInv("vm", "--log-format=json", "--debug", "-f"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"start", "--debug=true", "--log-format=json", "vm"}}, fx.lima.execs)
}

func TestRestartStopFailureStopsEverything(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})
	fx.lima.runStatus = 3

	status, err := fx.hooks.Restart(context.Background(), limaadapter.Invocation{Command: "restart", Args: []string{"vm"}}, StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, status, "limactl stop's exit status")
	assert.Empty(t, fx.lima.execs)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

// Once every log is renamed the logs are safe: a failure to compress an older
// generation is a warning, and the instance starts.
func TestStartGoesOnWhenOnlyCompressionFails(t *testing.T) {
	testutil.RequireNonRoot(t)
	fx := newFixture(t)
	fx.hooks.Compress = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 3", "serial.1.log": "boot 1", "serial.2.log": "boot 2"})
	require.NoError(t, os.Chmod(filepath.Join(dir, "serial.1.log"), 0o200)) // cannot be read, so not gzipped

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{})
	require.NoError(t, err)
	assert.Len(t, fx.lima.execs, 1, "started")
	assert.Equal(t, "boot 3", readFile(t, filepath.Join(dir, "serial.3.log")))
	require.NoError(t, os.Chmod(filepath.Join(dir, "serial.1.log"), 0o600))
	assert.Equal(t, "boot 1", readFile(t, filepath.Join(dir, "serial.1.log")))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 4"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(dir, "serial.1.log"), 0o200))
	err = fx.hooks.Rotate(context.Background(), []string{"vm"})
	require.Error(t, err, "rotate, asked for explicitly, reports it")
	assert.Contains(t, err.Error(), "serial.1.log")
}

// A live host agent means limactl start refuses to boot the instance again
// (ha.pid exists), whatever else Lima reports: its logs are left alone and
// limactl answers.
func TestStartWithLiveHostAgentLeavesLogsToLimactl(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Broken", map[string]string{"serial.log": "A", "ha.pid": strconv.Itoa(os.Getpid())})

	_, err := fx.hooks.Start(context.Background(), startInv("vm"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
	assert.Equal(t, [][]string{{"start", "vm"}}, fx.lima.execs)
}

// An inspection failure other than a missing instance used to send the line to
// `limactl restart`, which then deleted the logs unrotated.
func TestRestartInspectFailureStopsWithTheError(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "A"})
	broken := errors.New("disk on fire")
	fx.lima.failOn("Inspect", "vm", broken)

	status, err := fx.hooks.Restart(context.Background(), restartInv("vm"), StartOptions{})
	require.ErrorIs(t, err, broken)
	assert.NotEqual(t, 0, status)
	assert.Contains(t, err.Error(), `"vm"`)
	assert.Contains(t, err.Error(), "limactl restart vm")
	assert.Empty(t, fx.lima.runs, "nothing stopped")
	assert.Empty(t, fx.lima.execs, "nothing started")
	assert.Equal(t, "A", readFile(t, filepath.Join(dir, "serial.log")))
}

func TestRestartMissingInstanceGoesToLimactl(t *testing.T) {
	fx := newFixture(t)
	status, err := fx.hooks.Restart(context.Background(), restartInv("ghost"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Equal(t, [][]string{{"restart", "ghost"}}, fx.lima.execs, "limactl reports it")
}

// Lima v2's restart takes --progress and the flags of `limactl edit`; such a
// line used to go to limactl unparsed, which then deleted the logs.
func TestRestartWithLimaV2FlagsRotatesThenRunsTheLineItself(t *testing.T) {
	for _, args := range [][]string{{"--progress", "vm"}, {"vm", "--cpus", "2"}, {"-f", "--set", ".memory=\"2GiB\"", "vm"}} {
		fx := newFixture(t)
		dir := fx.instance(t, "vm", "Running", map[string]string{"serial.log": "boot 1\n"})
		status, err := fx.hooks.Restart(context.Background(), restartInv(args...), StartOptions{})
		require.NoError(t, err, "%q", args)
		assert.Equal(t, 0, status)
		stop := []string{"stop", "vm"}
		if args[0] == "-f" {
			stop = []string{"stop", "--force", "vm"}
		}
		assert.Equal(t, [][]string{stop}, fx.lima.runs, "%q", args)
		assert.Equal(t, [][]string{append([]string{"restart"}, args...)}, fx.lima.execs, "%q: Lima applies its flags", args)
		assert.Equal(t, "boot 1\n", readFile(t, filepath.Join(dir, "serial.1.log")), "%q", args)
	}
}

func TestRestartUnknownFlagWarnsAndPassesThrough(t *testing.T) {
	fx := newFixture(t)
	out := fx.logTo()
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 1\n"})
	status, err := fx.hooks.Restart(context.Background(), restartInv("--future", "vm"), StartOptions{})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.Empty(t, fx.lima.runs)
	assert.Equal(t, [][]string{{"restart", "--future", "vm"}}, fx.lima.execs)
	assert.Equal(t, "boot 1\n", readFile(t, filepath.Join(dir, "serial.log")))
	assert.Contains(t, out.String(), "limactl logkeep rotate vm")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(out.String()), "\n")+1, "one line")
}
