// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The samples in testdata/hostagent/<version>/ were recorded from the real Lima v2.2.0 and v1.2.1
// with the tiny test guest (see testdata/hostagent/README.md): a boot that became ready and was
// stopped, one whose QEMU was killed four seconds in (so `limactl start` failed), and one still
// running. The other cases below are derived from them in the test, each saying how.

var limaVersions = []string{"v2.2.0", "v1.2.1"}

func sample(t *testing.T, version, name string) string {
	t.Helper()
	path := filepath.Join("testdata", "hostagent", version, name)
	_, err := os.Stat(path)
	require.NoError(t, err)
	return path
}

func sampleLines(t *testing.T, version, name string) []string {
	t.Helper()
	b, err := os.ReadFile(sample(t, version, name))
	require.NoError(t, err)
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

// eventTimes returns the times of the events of a sample, parsed as Lima writes them.
func eventTimes(t *testing.T, lines []string) []time.Time {
	t.Helper()
	var out []time.Time
	for _, l := range lines {
		i := strings.Index(l, `"time":"`) + len(`"time":"`)
		ts, err := time.Parse(time.RFC3339Nano, l[i:i+strings.IndexByte(l[i:], '"')])
		require.NoError(t, err)
		out = append(out, ts)
	}
	return out
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestOutcomeOfRecordedBoots(t *testing.T) {
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			lines := sampleLines(t, v, "ready.ha.stdout.log")
			times := eventTimes(t, lines)
			require.Len(t, times, 3, "first event, running, exiting")

			ready := ReadBootOutcome(sample(t, v, "ready.ha.stdout.log"), sample(t, v, "ready.ha.stderr.log"), false)
			assert.Equal(t, OutcomeReady, ready.Result)
			assert.Empty(t, ready.Errors, "a ready boot reports no errors, not even from ha.stderr.log")
			assert.Equal(t, "", ready.ErrorsFrom)
			assert.True(t, times[0].Equal(ready.Started))
			assert.True(t, times[1].Equal(ready.Running))
			assert.True(t, times[2].Equal(ready.Ended))
			assert.Equal(t, EndedExiting, ready.EndedBy)
			require.Len(t, ready.SSHLocalPorts, 1)
			assert.Contains(t, lines[0], `"sshLocalPort":`+strconv.Itoa(ready.SSHLocalPorts[0]))
			assert.Zero(t, ready.Skipped)
			assert.NoError(t, ready.ReadError)

			failed := ReadBootOutcome(sample(t, v, "failed.ha.stdout.log"), sample(t, v, "failed.ha.stderr.log"), false)
			assert.Equal(t, OutcomeFailed, failed.Result, "QEMU killed during the boot: exiting before running")
			assert.Equal(t, EndedExiting, failed.EndedBy)
			assert.True(t, failed.Running.IsZero())
			assert.Equal(t, ErrorsFromStderr, failed.ErrorsFrom, "its events carry no errors")
			require.NotEmpty(t, failed.Errors)
			assert.Equal(t, "QEMU has already exited", failed.Errors[len(failed.Errors)-1])
			assert.Contains(t, failed.Errors[len(failed.Errors)-2], "failed to open the QMP socket")
			assert.Contains(t, failed.Errors[len(failed.Errors)-2], ": dial unix ", "the logrus error field follows the message")
			assert.LessOrEqual(t, len(failed.Errors), maxStderrProblems+1)
			for _, e := range failed.Errors {
				assert.NotContains(t, e, "executing ssh", "debug lines are not problems")
			}
			// Without its ha.stderr.log the failure is still named, without errors.
			bare := ReadBootOutcome(sample(t, v, "failed.ha.stdout.log"), "", false)
			assert.Equal(t, OutcomeFailed, bare.Result)
			assert.Empty(t, bare.Errors)

			running := ReadBootOutcome(sample(t, v, "running.ha.stdout.log"), sample(t, v, "running.ha.stderr.log"), true)
			assert.Equal(t, OutcomeRunning, running.Result)
			assert.Equal(t, "", running.EndedBy)
			assert.True(t, running.Ended.IsZero())
			assert.False(t, running.Running.IsZero())
			assert.Empty(t, running.Errors)

			// The same events once no boot is in progress: the host agent died without saying
			// exiting (killed, or the host went down). It had reached running: ready, cut off.
			cut := ReadBootOutcome(sample(t, v, "running.ha.stdout.log"), sample(t, v, "running.ha.stderr.log"), false)
			assert.Equal(t, OutcomeReady, cut.Result)
			assert.Equal(t, EndedCutOff, cut.EndedBy)
			assert.True(t, cut.Running.Equal(cut.Ended), "ended at its last event")
		})
	}
}

// Derived: the first event alone (the host agent died before saying running or exiting).
func TestOutcomeOfABootCutOffBeforeRunning(t *testing.T) {
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			dir := t.TempDir()
			first := sampleLines(t, v, "failed.ha.stdout.log")[0]
			path := writeFile(t, dir, "ha.stdout.log", first)
			stderr := sample(t, v, "failed.ha.stderr.log")

			o := ReadBootOutcome(path, stderr, false)
			assert.Equal(t, OutcomeFailed, o.Result, "the events stop while no boot is in progress")
			assert.Equal(t, EndedCutOff, o.EndedBy)
			assert.True(t, o.Ended.Equal(o.Started))
			assert.Equal(t, ErrorsFromStderr, o.ErrorsFrom)

			o = ReadBootOutcome(path, stderr, true)
			assert.Equal(t, OutcomeBooting, o.Result, "the same events while the boot is in progress")
			assert.Equal(t, "", o.EndedBy)
			assert.Empty(t, o.Errors, "a boot in progress has not failed")
		})
	}
}

// Derived: Lima's running event with degraded and errors, as startRoutinesAndWait emits it when a
// requirement fails (the error in the form of waitForRequirements'), between the recorded first
// and exiting events.
func TestOutcomeOfADegradedBoot(t *testing.T) {
	const reqErr = "failed to satisfy the optional requirement 1 of 1 \"user probe 1/1\": probe failed: exit status 1"
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			lines := sampleLines(t, v, "ready.ha.stdout.log")
			degraded := strings.Replace(lines[1], `"running":true,`, `"running":true,"degraded":true,"errors":["`+
				strings.ReplaceAll(reqErr, `"`, `\"`)+`"],`, 1)
			require.NotEqual(t, lines[1], degraded)
			dir := t.TempDir()
			path := writeFile(t, dir, "ha.stdout.log", lines[0]+degraded+lines[2])
			for _, inProgress := range []bool{false, true} {
				o := ReadBootOutcome(path, sample(t, v, "ready.ha.stderr.log"), inProgress)
				assert.Equal(t, OutcomeDegraded, o.Result)
				assert.Equal(t, []string{reqErr}, o.Errors)
				assert.Equal(t, ErrorsFromEvents, o.ErrorsFrom)
				assert.Equal(t, EndedExiting, o.EndedBy)
			}
			// Still running (no exiting event yet): degraded says more than running.
			path = writeFile(t, dir, "running.log", lines[0]+degraded)
			o := ReadBootOutcome(path, "", true)
			assert.Equal(t, OutcomeDegraded, o.Result)
			assert.Equal(t, "", o.EndedBy)
		})
	}
}

func TestOutcomeWithoutEvents(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty.log", "")
	blank := writeFile(t, dir, "blank.log", "\n\n  \n")
	missing := filepath.Join(dir, "missing.log")
	link := filepath.Join(dir, "link.log")
	require.NoError(t, os.Symlink(sample(t, "v2.2.0", "ready.ha.stdout.log"), link))
	for _, path := range []string{empty, blank, missing, link, ""} {
		o := ReadBootOutcome(path, "", false)
		assert.Equal(t, OutcomeUnknown, o.Result, path)
		assert.Equal(t, "", o.EndedBy, path)
		assert.NoError(t, o.ReadError, path)
		assert.Zero(t, o.Skipped, path)
		assert.Equal(t, OutcomeBooting, ReadBootOutcome(path, "", true).Result, "%s: a boot in progress that has not said anything yet", path)
	}
	// A failed boot's ha.stderr.log is not read for an unknown one.
	assert.Empty(t, ReadBootOutcome(empty, sample(t, "v2.2.0", "failed.ha.stderr.log"), false).Errors)
}

// Derived: the recorded events with lines that are not events between them.
func TestOutcomeSkipsGarbageLines(t *testing.T) {
	garbage := []string{
		"not json at all\n",
		"{\n",
		`{"time":"yesterday","status":{"running":true}}` + "\n",
		`{"status":{"exiting":true}}` + "\n", // no time: not an event
		`["a","list"]` + "\n",
		"\x00\x01\x02\xff\xfe binary\n",
		`{"time":"2026-12-06T01:01:09Z","status":{"running":"yes"}}` + "\n",
		strings.Repeat("x", maxEventLine+10) + "\n",
		`{"time":"2026-12-06T01:01:09Z","status":` + strings.Repeat(" ", maxEventLine) + `{}}` + "\n",
	}
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			lines := sampleLines(t, v, "ready.ha.stdout.log")
			content := garbage[0] + lines[0] + strings.Join(garbage[1:5], "") + lines[1] + strings.Join(garbage[5:], "") + lines[2] + "\n"
			path := writeFile(t, t.TempDir(), "ha.stdout.log", content)
			want := ReadBootOutcome(sample(t, v, "ready.ha.stdout.log"), "", false)
			got := ReadBootOutcome(path, "", false)
			assert.Equal(t, len(garbage), got.Skipped)
			got.Skipped = 0
			assert.Equal(t, want, got, "the same outcome as without the garbage")
		})
	}
}

func TestOutcomeOfACompressedGeneration(t *testing.T) {
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			dir := t.TempDir()
			gz := func(name string) string {
				b, err := os.ReadFile(sample(t, v, name))
				require.NoError(t, err)
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				_, err = zw.Write(b)
				require.NoError(t, err)
				require.NoError(t, zw.Close())
				return writeFile(t, dir, name+".gz", buf.String())
			}
			want := ReadBootOutcome(sample(t, v, "failed.ha.stdout.log"), sample(t, v, "failed.ha.stderr.log"), false)
			got := ReadBootOutcome(gz("failed.ha.stdout.log"), gz("failed.ha.stderr.log"), false)
			assert.Equal(t, want, got)

			broken := writeFile(t, dir, "broken.ha.stdout.log.gz", "not gzip")
			o := ReadBootOutcome(broken, "", false)
			assert.Equal(t, OutcomeUnknown, o.Result)
			assert.Error(t, o.ReadError, "a corrupt .gz is reported, not fatal")
		})
	}
}

// A file being written while read: the host agent appends the recorded events a few bytes at a
// time while they are read over and over. Every read sees a consistent prefix: never a skipped
// line (the line being written is left out), and the outcome only moves forward.
func TestOutcomeOfAFileBeingWritten(t *testing.T) {
	for _, v := range limaVersions {
		t.Run(v, func(t *testing.T) {
			content := strings.Join(sampleLines(t, v, "ready.ha.stdout.log"), "") + "\n"
			path := filepath.Join(t.TempDir(), "ha.stdout.log")
			f, err := os.Create(path)
			require.NoError(t, err)
			defer f.Close()
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < len(content); i += 7 {
					_, _ = f.WriteString(content[i:min(i+7, len(content))])
					time.Sleep(200 * time.Microsecond)
				}
			}()
			order := map[string]int{OutcomeBooting: 0, OutcomeRunning: 1, OutcomeReady: 2}
			seen := map[string]bool{}
			last := 0
			for done := false; !done; {
				done = waitTimeout(&wg, 0)
				o := ReadBootOutcome(path, "", true)
				require.NoError(t, o.ReadError)
				require.Zero(t, o.Skipped, "a line being written is not garbage")
				rank, ok := order[o.Result]
				require.True(t, ok, "unexpected outcome %q", o.Result)
				require.GreaterOrEqual(t, rank, last, "the outcome only moves forward")
				last = rank
				seen[o.Result] = true
			}
			o := ReadBootOutcome(path, "", true)
			assert.Equal(t, OutcomeReady, o.Result, "the host agent said exiting: the boot ended")
			assert.Equal(t, EndedExiting, o.EndedBy)
			assert.True(t, seen[OutcomeBooting], "read before the running event")
		})
	}
}

// waitTimeout reports whether wg is done within d.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	c := make(chan struct{})
	go func() { wg.Wait(); close(c) }()
	select {
	case <-c:
		return true
	case <-time.After(d):
		return false
	}
}

func TestStderrProblemsKeepsTheLastWarningsAndTheFinalInfoLine(t *testing.T) {
	dir := t.TempDir()
	line := func(level, msg, err string) string {
		s := `{"level":"` + level + `","msg":"` + msg + `"`
		if err != "" {
			s += `,"error":"` + err + `"`
		}
		return s + `,"time":"2026-12-06T01:01:22Z"}` + "\n"
	}
	path := writeFile(t, dir, "ha.stderr.log", line("info", "starting", "")+line("warning", "w1", "")+
		line("error", "e2", "cause")+"a Go panic line, not JSON\n"+line("warning", "w3", "")+line("fatal", "f4", "")+
		line("debug", "noise", "")+line("info", "the end", "")+line("debug", "more noise", ""))
	got, err := stderrProblems(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"e2: cause", "w3", "f4", "the end"}, got)

	path = writeFile(t, dir, "info-only.log", line("info", "a", "")+line("info", "b", "")+line("debug", "c", ""))
	got, err = stderrProblems(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, got, "no warning: the last informational line says how it ended")

	path = writeFile(t, dir, "warning-last.log", line("info", "a", "")+line("warning", "w", ""))
	got, err = stderrProblems(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"w"}, got)

	got, err = stderrProblems(filepath.Join(dir, "missing.log"))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestOutcomesListsEveryResult(t *testing.T) {
	assert.ElementsMatch(t, []string{OutcomeReady, OutcomeDegraded, OutcomeFailed, OutcomeRunning, OutcomeBooting, OutcomeUnknown}, Outcomes)
	assert.Equal(t, "ha.stdout", HostAgentEventsLog)
	assert.Equal(t, "ha.stderr", HostAgentLog)
}

// The current boot of an instance is in progress while its host agent is alive, and in the
// moment between `limactl start` creating a fresh empty ha.stdout.log and the host agent
// writing ha.pid (StartInProgress): its outcome is then booting, not unknown.
func TestBootInProgress(t *testing.T) {
	dir := t.TempDir()
	assert.False(t, BootInProgress(dir), "no logs, no host agent")
	events := writeFile(t, dir, "ha.stdout.log", "")
	assert.True(t, BootInProgress(dir), "a start has just created the logs")
	assert.Equal(t, OutcomeBooting, ReadBootOutcome(events, "", BootInProgress(dir)).Result)
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(events, old, old))
	assert.False(t, BootInProgress(dir), "an old empty log: the start failed long ago")
	assert.Equal(t, OutcomeUnknown, ReadBootOutcome(events, "", BootInProgress(dir)).Result)
	writeFile(t, dir, "ha.pid", strconv.Itoa(os.Getpid()))
	assert.True(t, BootInProgress(dir), "a live host agent")
}

// A failed boot's problems are found at the end of a long ha.stderr.log, plain or compressed.
func TestStderrProblemsAtTheEndOfALongLog(t *testing.T) {
	dir := t.TempDir()
	noise := strings.Repeat(`{"level":"warning","msg":"an old warning, long before","time":"2026-12-06T01:01:22Z"}`+"\n", 3000)
	end := `{"level":"warning","msg":"the last warning","time":"2026-12-06T01:01:22Z"}` + "\n" +
		`{"level":"info","msg":"QEMU has already exited","time":"2026-12-06T01:01:22Z"}` + "\n"
	require.Greater(t, len(noise), stderrTail, "longer than what is read")
	plain := writeFile(t, dir, "ha.stderr.log", noise+end)
	got, err := stderrProblems(plain)
	require.NoError(t, err)
	assert.Equal(t, []string{"an old warning, long before", "an old warning, long before", "the last warning", "QEMU has already exited"}, got)

	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err = zw.Write([]byte(noise + end))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	gz := writeFile(t, dir, "ha.stderr.1.log.gz", buf.String())
	got2, err := stderrProblems(gz)
	require.NoError(t, err)
	assert.Equal(t, got, got2)

	tail, err := readTail(plain, 100)
	require.NoError(t, err)
	assert.Equal(t, `{"level":"info","msg":"QEMU has already exited","time":"2026-12-06T01:01:22Z"}`+"\n", string(tail), "from the start of a line")
	tail, err = readTail(gz, 100)
	require.NoError(t, err)
	assert.Equal(t, `{"level":"info","msg":"QEMU has already exited","time":"2026-12-06T01:01:22Z"}`+"\n", string(tail))
}
