// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// bootsInstance makes instance vm in a new LIMA_HOME with generations 1 and 2 and
// the current boot, and returns the environment to run limactl-logkeep in.
func bootsInstance(t *testing.T) (env map[string]string, dir string) {
	home := t.TempDir()
	dir = instance(t, home, "vm", map[string]string{
		"serial.1.log": "boot 1 marker\nboot 1 end\n", "ha.stderr.1.log": "{\"msg\":\"boot 1\"}\n",
		"serial.2.log": "boot 2 marker\nboot 2 end\n",
		"serial.log":   "boot 3 marker\nline a\nline b\nline c\n",
	})
	return map[string]string{"LIMA_HOME": home, "LIMACTL": "/nonexistent"}, dir
}

func TestBootsTableAndJSON(t *testing.T) {
	env, dir := bootsInstance(t)
	r := run(t, env, "boots", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, r.stdout)
	assert.Regexp(t, `^INDEX\s+GENERATION\s+OUTCOME\s+TO RUNNING\s+FIRST\s+LAST\s+SIZE\s+FILES$`, lines[0])
	assert.Regexp(t, `^-2\s+1\s+unknown\s+-\s+.*serial\.1\.log \(25B\), ha\.stderr\.1\.log \(17B\)$`, lines[1])
	assert.Regexp(t, `^-1\s+2\s+unknown\s+-\s+.*serial\.2\.log \(25B\)$`, lines[2])
	assert.Regexp(t, `^0\s+current\s+unknown\s+-\s+.*serial\.log \(35B\)$`, lines[3])

	r = run(t, env, "boots", "--json", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	var boots []struct {
		Index      int  `json:"index"`
		Generation *int `json:"generation"`
		Current    bool `json:"current"`
		Files      []struct {
			Name, Log, Path string
			Size            int64
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &boots), r.stdout)
	require.Len(t, boots, 3)
	assert.Equal(t, -2, boots[0].Index)
	assert.Equal(t, 1, *boots[0].Generation)
	assert.Nil(t, boots[2].Generation)
	assert.True(t, boots[2].Current)
	assert.Equal(t, filepath.Join(dir, "ha.stderr.1.log"), boots[0].Files[1].Path)

	r = run(t, env, "boots", "vm", "--json") // flags after the instance too
	assert.Equal(t, 0, r.status, r.stderr)
	assert.True(t, json.Valid([]byte(r.stdout)))

	home := t.TempDir()
	instance(t, home, "empty", nil)
	r = run(t, map[string]string{"LIMA_HOME": home}, "boots", "empty", "--json")
	assert.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "[]\n", r.stdout)
}

// recorded returns a sample the real Lima wrote (limaadapter/testdata/hostagent).
func recorded(t *testing.T, version, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "limaadapter", "testdata", "hostagent", version, name))
	require.NoError(t, err)
	return string(b)
}

// Three boots recorded from the real Lima (ready, QEMU killed, still running): boots shows each
// outcome, the failed boot's errors under its row, and JSON; logs -b failed prints its console.
func TestBootsOutcomesFromRecordedEvents(t *testing.T) {
	for _, v := range []string{"v2.2.0", "v1.2.1"} {
		t.Run(v, func(t *testing.T) {
			home := t.TempDir()
			dir := instance(t, home, "vm", map[string]string{
				"serial.1.log": "boot 1 console\n", "ha.stdout.1.log": recorded(t, v, "ready.ha.stdout.log"),
				"ha.stderr.1.log": recorded(t, v, "ready.ha.stderr.log"),
				"serial.2.log":    "boot 2 console\nkilled\n", "ha.stdout.2.log": recorded(t, v, "failed.ha.stdout.log"),
				"ha.stderr.2.log": recorded(t, v, "failed.ha.stderr.log"),
				"serial.log":      "boot 3 console\n", "ha.stdout.log": recorded(t, v, "running.ha.stdout.log"),
				"ha.stderr.log": recorded(t, v, "running.ha.stderr.log"),
				"ha.pid":        fmt.Sprint(os.Getpid()), // a live host agent: boot 3 is in progress
			})
			env := map[string]string{"LIMA_HOME": home, "LIMACTL": "/nonexistent"}
			r := run(t, env, "boots", "vm")
			require.Equal(t, 0, r.status, r.stderr)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			require.Len(t, lines, 5, r.stdout)
			assert.Regexp(t, `^-2\s+1\s+ready\s+10\.\ds\s`, lines[1])
			assert.Regexp(t, `^-1\s+2\s+failed\s+-\s`, lines[2])
			outcomeCol := strings.Index(lines[0], "OUTCOME")
			assert.Equal(t, strings.Repeat(" ", outcomeCol), lines[3][:outcomeCol], "the errors line starts under OUTCOME")
			assert.Contains(t, lines[3], "failed to open the QMP socket")
			assert.True(t, strings.HasSuffix(lines[3], "; QEMU has already exited"), lines[3])
			assert.Regexp(t, `^0\s+current\s+running\s+10\.\ds\s`, lines[4])

			r = run(t, env, "boots", "vm", "--json")
			require.Equal(t, 0, r.status, r.stderr)
			var boots []map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &boots))
			require.Len(t, boots, 3)
			assert.Equal(t, []any{"ready", "failed", "running"}, []any{boots[0]["outcome"], boots[1]["outcome"], boots[2]["outcome"]})
			assert.Equal(t, "ha.stderr", boots[1]["errorsFrom"])
			assert.Contains(t, boots[1]["errors"], "QEMU has already exited")
			assert.Equal(t, "exiting", boots[1]["endedBy"])
			assert.Nil(t, boots[1]["runningAt"])
			assert.Equal(t, "", boots[2]["endedBy"], "still running")
			assert.InDelta(t, 10.4, boots[0]["secondsToRunning"], 0.5)

			r = run(t, env, "logs", "vm", "-b", "failed")
			require.Equal(t, 0, r.status, r.stderr)
			assert.Equal(t, "boot 2 console\nkilled\n", r.stdout)
			r = run(t, env, "logs", "vm", "-b", "degraded")
			assert.Equal(t, 1, r.status)
			assert.Contains(t, r.stderr, "none of the 3 boots recorded is degraded")

			require.NoError(t, os.Remove(filepath.Join(dir, "ha.pid")))
			r = run(t, env, "boots", "vm", "--json")
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &boots))
			assert.Equal(t, "ready", boots[2]["outcome"], "no host agent: the boot ended without an exiting event")
			assert.Equal(t, "cutOff", boots[2]["endedBy"])
		})
	}
}

func TestLogsPrintsTheChosenBoot(t *testing.T) {
	env, _ := bootsInstance(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"logs", "vm"}, "boot 3 marker\nline a\nline b\nline c\n"},
		{[]string{"logs", "vm", "-b", "0"}, "boot 3 marker\nline a\nline b\nline c\n"},
		{[]string{"logs", "vm", "-b", "-1"}, "boot 2 marker\nboot 2 end\n"},
		{[]string{"logs", "-b", "-2", "vm"}, "boot 1 marker\nboot 1 end\n"},
		{[]string{"logs", "vm", "--boot=1"}, "boot 1 marker\nboot 1 end\n"},
		{[]string{"logs", "vm", "-b", "2"}, "boot 2 marker\nboot 2 end\n"},
		{[]string{"logs", "vm", "-n", "2"}, "line b\nline c\n"},
		{[]string{"logs", "vm", "--lines", "1", "-b", "-1"}, "boot 2 end\n"},
		{[]string{"logs", "vm", "-b", "1", "--file", "ha.stderr"}, "{\"msg\":\"boot 1\"}\n"},
		{[]string{"logs", "vm", "-b", "1", "--file", "ha.stderr.log"}, "{\"msg\":\"boot 1\"}\n"},
	} {
		r := run(t, env, c.args...)
		assert.Equal(t, 0, r.status, "%q: %s", c.args, r.stderr)
		assert.Equal(t, c.want, r.stdout, "%q", c.args)
		assert.Empty(t, r.stderr, "%q", c.args)
	}
}

func TestLogsRefusesWhatItCannotDo(t *testing.T) {
	env, _ := bootsInstance(t)
	for _, c := range []struct {
		args   []string
		status int
		msg    string
	}{
		{[]string{"logs"}, 2, "name one instance"},
		{[]string{"logs", "vm", "other"}, 2, "name one instance"},
		{[]string{"logs", "vm", "-b", "-3"}, 1, "no such boot -3 (recorded: indexes -2 to 0"},
		{[]string{"logs", "vm", "-b", "7"}, 1, "generations 1, 2"},
		{[]string{"logs", "vm", "-b", "last"}, 2, "--boot \"last\": not a boot: use 0 (newest), -1, -2, ..., a generation number N >= 1, or an outcome such as failed; the outcomes are failed, degraded, ready, running, booting, unknown"},
		{[]string{"logs", "vm", "-b", "1.5"}, 2, "--boot"},
		{[]string{"logs", "vm", "-b", "failed"}, 1, "none of the 3 boots recorded is failed (Hint: limactl logkeep boots vm)"},
		{[]string{"logs", "vm", "-f", "-b", "failed"}, 2, "leave out --boot"},
		{[]string{"logs", "vm", "--file", "console"}, 2, "serial, serialp, serialv, ha.stdout, ha.stderr, driver.stderr"},
		{[]string{"logs", "vm", "--file", "ha.stdout"}, 1, "has no ha.stdout log; it has: serial (choose one with --file)"},
		{[]string{"logs", "vm", "-f", "-b", "-1"}, 2, "leave out --boot"},
		{[]string{"logs", "vm", "--until-stopped"}, 2, "goes with --follow"},
		{[]string{"logs", "vm", "-n", "-1"}, 2, "--lines"},
		{[]string{"logs", "vm", "--bogus"}, 2, "--bogus"},
		{[]string{"logs", "ghost"}, 1, "has no directory"},
		{[]string{"logs", "../etc"}, 1, "invalid instance name"},
	} {
		r := run(t, env, c.args...)
		assert.Equal(t, c.status, r.status, "%q", c.args)
		assert.Contains(t, r.stderr, c.msg, "%q", c.args)
		assert.Empty(t, r.stdout, "%q", c.args)
	}
}

// The -n of a large log reads only its end: checked in the history package; here
// the whole path through the CLI on a 30 MB log.
func TestLogsLastLinesOfALargeLog(t *testing.T) {
	env, dir := bootsInstance(t)
	line := strings.Repeat("console output ", 6) + "\n"
	big := bytes.Repeat([]byte(line), 350_000)
	big = append(big, "the very last line\n"...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), big, 0o644))
	r := run(t, env, "logs", "vm", "-n", "2")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, line+"the very last line\n", r.stdout)
}

// The history commands need no limactl, and Lima's own warnings stay off stderr.
func TestHistoryCommandsNeedNoLimactlAndStayQuiet(t *testing.T) {
	env, _ := bootsInstance(t)
	env["PATH"] = t.TempDir()
	for _, args := range [][]string{{"boots", "vm"}, {"logs", "vm"}, {"preserved"}} {
		r := run(t, env, args...)
		assert.Equal(t, 0, r.status, "%q: %s", args, r.stderr)
		assert.Empty(t, r.stderr, "%q", args)
	}
}

func TestCompressionRoundTripThroughBootsLogsAndCollect(t *testing.T) {
	for _, how := range []string{"flag", "env"} {
		t.Run(how, func(t *testing.T) {
			home := t.TempDir()
			dir := instance(t, home, "vm", nil)
			env := map[string]string{"LIMA_HOME": home, "LIMACTL": "/nonexistent"}
			args := []string{"rotate", "vm"}
			if how == "flag" {
				args = append([]string{"--compress"}, args...)
			} else {
				env["LIMA_LOGKEEP_COMPRESS"] = "1"
			}
			for boot := 1; boot <= 3; boot++ {
				content := fmt.Sprintf("boot %d marker\n%s", boot, strings.Repeat("same console line\n", 200))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte(content), 0o644))
				r := run(t, env, args...)
				require.Equal(t, 0, r.status, r.stderr)
			}
			require.FileExists(t, filepath.Join(dir, "serial.1.log.gz"))
			require.FileExists(t, filepath.Join(dir, "serial.2.log.gz"))
			require.FileExists(t, filepath.Join(dir, "serial.3.log"), "the newest generation is not compressed")

			r := run(t, env, "boots", "vm", "--json")
			require.Equal(t, 0, r.status, r.stderr)
			assert.Contains(t, r.stdout, `"name": "serial.1.log.gz"`)
			assert.Contains(t, r.stdout, `"compressed": true`)

			r = run(t, env, "logs", "vm", "-b", "1")
			require.Equal(t, 0, r.status, r.stderr)
			assert.True(t, strings.HasPrefix(r.stdout, "boot 1 marker\nsame console line\n"))
			assert.Equal(t, 201, strings.Count(r.stdout, "\n"))
			r = run(t, env, "logs", "vm", "-b", "-1", "-n", "1")
			require.Equal(t, 0, r.status, r.stderr)
			assert.Equal(t, "same console line\n", r.stdout)

			out := filepath.Join(t.TempDir(), "b.tar.gz")
			r = run(t, env, "collect", "vm", "-o", out)
			require.Equal(t, 0, r.status, r.stderr)
			files, _ := readBundle(t, out)
			assert.True(t, strings.HasPrefix(files["b/vm/instance/serial.1.log"], "boot 1 marker\n"), "stored decompressed")
			assert.True(t, strings.HasPrefix(files["b/vm/instance/serial.2.log"], "boot 2 marker\n"))
			assert.NotContains(t, files, "b/vm/instance/serial.1.log.gz")
		})
	}
}

// readBundle opens a collect archive, checks every file against the manifest's
// size and sha256, and returns the files and the manifest.
func readBundle(t *testing.T, path string) (map[string]string, map[string]any) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	files, order := testutil.Untar(t, f)
	require.NotEmpty(t, order)
	last := order[len(order)-1]
	require.True(t, strings.HasSuffix(last, "/manifest.json"), "the manifest is the last entry")
	var manifest map[string]any
	require.NoError(t, json.Unmarshal([]byte(files[last]), &manifest))
	listed := 0
	for _, e := range manifest["files"].([]any) {
		entry := e.(map[string]any)
		content, ok := files[entry["path"].(string)]
		require.True(t, ok, "%s in the archive", entry["path"])
		sum := sha256.Sum256([]byte(content))
		assert.Equal(t, hex.EncodeToString(sum[:]), entry["sha256"], entry["path"])
		assert.Equal(t, float64(len(content)), entry["size"], entry["path"])
		listed++
	}
	assert.Equal(t, len(files)-1, listed, "every file but the manifest is listed")
	return files, manifest
}

// background starts limactl-logkeep with args and returns it with its output.
func background(t *testing.T, env map[string]string, args ...string) (*exec.Cmd, *testutil.Buffer, *testutil.Buffer) {
	t.Helper()
	cmd := program(t, env, args...)
	stdout, stderr := &testutil.Buffer{}, &testutil.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, stdout, stderr
}

// waitExit waits for cmd to end and returns its exit status.
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(30 * time.Second):
		t.Fatal("limactl-logkeep did not end")
		return -1
	}
}

func TestLogsFollowGoesOnAcrossARestartUntilCtrlC(t *testing.T) {
	env, dir := bootsInstance(t)
	cmd, stdout, stderr := background(t, env, "logs", "vm", "-f", "-n", "1")
	require.Eventually(t, func() bool { return stdout.String() == "line c\n" }, 20*time.Second, 10*time.Millisecond, stderr.String())

	// What a restart does: the log is rotated away, then created anew by QEMU.
	require.NoError(t, os.Rename(filepath.Join(dir, "serial.log"), filepath.Join(dir, "serial.3.log")))
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 4 marker\n"), 0o644))
	require.Eventually(t, func() bool { return stdout.String() == "line c\nboot 4 marker\n" }, 20*time.Second, 10*time.Millisecond, stderr.String())

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	assert.Equal(t, 0, waitExit(t, cmd), stderr.String())
	assert.Empty(t, stderr.String())
}

func TestLogsFollowUntilStoppedEndsWhenTheInstanceStops(t *testing.T) {
	env, dir := bootsInstance(t)
	// While the processes in its pid files live, Lima's store cannot tell the
	// status without a host agent to ask, so limactl-logkeep asks `limactl list`:
	// a fake one says Running. This test process stands in for both processes.
	pid := []byte(fmt.Sprint(os.Getpid()))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.pid"), pid, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "qemu.pid"), pid, 0o644))
	env["LIMACTL"] = filepath.Join(t.TempDir(), "limactl")
	require.NoError(t, os.WriteFile(env["LIMACTL"], []byte("#!/bin/sh\necho '{\"name\":\"vm\",\"status\":\"Running\"}'\n"), 0o755))
	cmd, stdout, stderr := background(t, env, "logs", "vm", "--follow", "--until-stopped")
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "line c\n") }, 20*time.Second, 10*time.Millisecond)
	time.Sleep(1500 * time.Millisecond) // seen running at least once

	f, err := os.OpenFile(filepath.Join(dir, "serial.log"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("reboot: Power down\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.Remove(filepath.Join(dir, "ha.pid")))
	require.NoError(t, os.Remove(filepath.Join(dir, "qemu.pid")))

	assert.Equal(t, 0, waitExit(t, cmd), stderr.String())
	assert.Equal(t, "boot 3 marker\nline a\nline b\nline c\nreboot: Power down\n", stdout.String(), "drained to the end")
}

// `logs -f` of an instance that is deleted ends with one line naming it and a
// non-zero status, after printing all it had; with --until-stopped too, for an
// instance deleted while stopped (never seen running, so never "stopped"). With
// keep-logs the logs are moved to a preserved set first: the line points there.
func TestLogsFollowEndsWhenTheInstanceIsDeleted(t *testing.T) {
	for _, c := range []struct {
		how  string
		args []string
	}{
		{"deleted", []string{"-f"}},
		{"deleted", []string{"-f", "--until-stopped"}},
		{"deleted keeping the logs", []string{"-f"}},
		{"deleted keeping the logs", []string{"-f", "--until-stopped"}},
	} {
		t.Run(c.how+" "+strings.Join(c.args, " "), func(t *testing.T) {
			env, dir := bootsInstance(t)
			cmd, stdout, stderr := background(t, env, append([]string{"logs", "vm"}, c.args...)...)
			require.Eventually(t, func() bool { return strings.HasSuffix(stdout.String(), "line c\n") }, 20*time.Second, 10*time.Millisecond, stderr.String())
			f, err := os.OpenFile(filepath.Join(dir, "serial.log"), os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString("reboot: Power down\n")
			require.NoError(t, err)
			require.NoError(t, f.Close())
			if c.how == "deleted keeping the logs" {
				set := filepath.Join(env["LIMA_HOME"], "_logkeep", "vm", "20260101T000000Z")
				require.NoError(t, os.MkdirAll(set, 0o700))
				require.NoError(t, os.Rename(filepath.Join(dir, "serial.log"), filepath.Join(set, "serial.log")))
				time.Sleep(300 * time.Millisecond) // a poll or two with the log gone and the directory there
			}
			require.NoError(t, os.RemoveAll(dir))

			assert.Equal(t, 1, waitExit(t, cmd), stderr.String())
			assert.Equal(t, "boot 3 marker\nline a\nline b\nline c\nreboot: Power down\n", stdout.String(), "drained to the end")
			line := strings.TrimSuffix(stderr.String(), "\n")
			assert.NotContains(t, line, "\n", "one line")
			assert.Contains(t, line, `instance "vm"`)
			assert.Contains(t, line, dir+" is gone")
			if c.how == "deleted keeping the logs" {
				assert.Contains(t, line, "limactl logkeep preserved")
			}
		})
	}
}
