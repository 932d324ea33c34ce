// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"encoding/json"
	"fmt"
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

// bootsFixture makes an instance with generations 3, 4, 5 (older ones pruned) and
// the active logs: boots oldest first are 3, 4, 5, current.
func bootsFixture(t *testing.T) (*fixture, string) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", nil)
	for i, n := range []int{3, 4, 5} {
		at := t0.Add(time.Duration(i) * time.Hour)
		write(t, dir, fmt.Sprintf("serial.%d.log", n), fmt.Sprintf("boot %d\n", n), at)
		write(t, dir, fmt.Sprintf("ha.stderr.%d.log", n), "ha\n", at.Add(time.Minute))
	}
	write(t, dir, "serial.log", "boot now\n", t0.Add(5*time.Hour))
	write(t, dir, "ha.stdout.log", "", t0.Add(5*time.Hour+time.Second))
	write(t, dir, "notalog.txt", "x", t0)
	write(t, dir, "other.7.log", "not one of Lima's logs", t0)
	return fx, dir
}

func TestBootsOrderIndexesAndFiles(t *testing.T) {
	fx, dir := bootsFixture(t)
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	require.Len(t, boots, 4)
	for i, want := range []struct{ index, gen int }{{-3, 3}, {-2, 4}, {-1, 5}, {0, 0}} {
		assert.Equal(t, want.index, boots[i].Index, "boot %d", i)
		assert.Equal(t, want.gen, boots[i].Generation, "boot %d", i)
	}
	assert.True(t, boots[3].Current())
	assert.False(t, boots[2].Current())

	b := boots[1]
	require.Len(t, b.Files, 2)
	assert.Equal(t, File{Name: "serial.4.log", Log: "serial", Path: filepath.Join(dir, "serial.4.log"), Size: 7,
		Modified: t0.Add(time.Hour)}, withUTC(b.Files[0]))
	assert.Equal(t, "ha.stderr", b.Files[1].Log, "files follow the order of Lima's logs")
	assert.True(t, b.First.Equal(t0.Add(time.Hour)))
	assert.True(t, b.Last.Equal(t0.Add(time.Hour+time.Minute)))
	assert.Equal(t, int64(10), b.Size)

	cur := boots[3]
	assert.Equal(t, []string{"serial.log", "ha.stdout.log"}, names(cur.Files))
	f, ok := cur.File("serial")
	require.True(t, ok)
	assert.Equal(t, "serial.log", f.Name)
	_, ok = cur.File("serialv")
	assert.False(t, ok)
}

func withUTC(f File) File {
	f.Modified = f.Modified.UTC()
	return f
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestBootsWithoutActiveLogsTheNewestGenerationIsIndexZero(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", map[string]string{"serial.1.log": "one", "serial.2.log": "two"})
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	require.Len(t, boots, 2)
	assert.Equal(t, []int{-1, 0}, []int{boots[0].Index, boots[1].Index})
	assert.Equal(t, 2, boots[1].Generation)
	assert.False(t, boots[1].Current())

	require.NoError(t, os.Remove(filepath.Join(dir, "serial.1.log")))
	require.NoError(t, os.Remove(filepath.Join(dir, "serial.2.log")))
	boots, err = fx.store.Boots("vm")
	require.NoError(t, err)
	assert.Empty(t, boots)
}

func TestBootsOfAMissingInstanceSaysWhereItsLogsMayBe(t *testing.T) {
	fx := newFixture(t)
	_, err := fx.store.Boots("ghost")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), filepath.Join(fx.home, "ghost"))
	assert.NotContains(t, err.Error(), "preserved")
	assert.NotErrorIs(t, err, ErrHasPreserved)

	fx.set(t, "ghost", "20260101T000000Z", map[string]string{"serial.log": "x"})
	_, err = fx.store.Boots("ghost")
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorIs(t, err, ErrHasPreserved)
	assert.Contains(t, err.Error(), "it has 1 preserved set(s)")

	_, err = fx.store.Boots("../etc")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid instance name")
}

func TestParseBootSelectorAndSelect(t *testing.T) {
	fx, _ := bootsFixture(t)
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	for _, c := range []struct {
		in    string
		index int
		gen   int
	}{{"0", 0, 0}, {"-1", -1, 5}, {"-2", -2, 4}, {"-3", -3, 3}, {"4", -2, 4}, {"5", -1, 5}, {" 3 ", -3, 3}} {
		sel, err := ParseBootSelector(c.in)
		require.NoError(t, err, c.in)
		b, err := Select(boots, sel)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.index, b.Index, c.in)
		assert.Equal(t, c.gen, b.Generation, c.in)
	}
	for _, in := range []string{"-4", "1", "6"} {
		sel, err := ParseBootSelector(in)
		require.NoError(t, err)
		_, err = Select(boots, sel)
		require.ErrorIs(t, err, ErrNoBoot, in)
		assert.Contains(t, err.Error(), "no such boot "+in)
	}
	_, err = Select(boots, BootSelector{Generation: 1, ByGeneration: true})
	assert.Contains(t, err.Error(), "generations 3, 4, 5")
	_, err = Select(nil, BootSelector{})
	assert.ErrorIs(t, err, ErrNoBoot)
	for _, in := range []string{"", "-", "1.5", "Failed", "fail-ed", "x1", "é"} {
		_, err := ParseBootSelector(in)
		assert.ErrorIs(t, err, ErrBadSelector, in)
	}
}

func TestBootsJSONShape(t *testing.T) {
	fx, dir := bootsFixture(t)
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	data, err := json.Marshal(boots)
	require.NoError(t, err)
	var got []map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	require.Len(t, got, 4)
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		return k
	}
	assert.ElementsMatch(t, []string{"index", "generation", "current", "firstModified", "lastModified", "size", "files",
		"outcome", "errors", "errorsFrom", "startedAt", "runningAt", "endedAt", "endedBy", "secondsToRunning"}, keys(got[0]))
	assert.Equal(t, float64(-3), got[0]["index"])
	assert.Equal(t, float64(3), got[0]["generation"])
	assert.Equal(t, false, got[0]["current"])
	assert.Nil(t, got[3]["generation"], "the current boot has no generation")
	assert.Contains(t, string(data), `"generation":null`)
	assert.Equal(t, true, got[3]["current"])
	assert.Equal(t, "2026-03-01T11:00:00Z", got[1]["firstModified"])
	assert.Equal(t, "2026-03-01T11:01:00Z", got[1]["lastModified"])
	assert.Equal(t, "", got[1]["outcome"], "outcomes not read")
	assert.Equal(t, []any{}, got[1]["errors"])
	assert.Nil(t, got[1]["startedAt"])
	assert.Nil(t, got[1]["secondsToRunning"])
	file := got[1]["files"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"name", "log", "path", "size", "modified", "compressed"}, keys(file))
	assert.Equal(t, map[string]any{"name": "serial.4.log", "log": "serial", "path": filepath.Join(dir, "serial.4.log"),
		"size": float64(7), "modified": "2026-03-01T11:00:00Z", "compressed": false}, file)
	assert.False(t, strings.Contains(string(data), "+0"), "times are UTC")
}

// fakeOutcomes is a Store.ReadOutcome that says a boot whose serial log contains "FAIL" failed
// (with its content as the error) and any other ready; it records what it was asked.
type fakeOutcomes struct {
	mu         sync.Mutex
	inProgress map[string]bool // serial file name -> inProgress asked
}

func (f *fakeOutcomes) read(files []File, inProgress bool) Outcome {
	var serial File
	for _, file := range files {
		if file.Log == "serial" {
			serial = file
		}
	}
	f.mu.Lock()
	f.inProgress[serial.Name] = inProgress
	f.mu.Unlock()
	b, _ := os.ReadFile(serial.Path)
	if strings.Contains(string(b), "FAIL") {
		return Outcome{Result: "failed", Trouble: true, Errors: []string{strings.TrimSpace(string(b))}, ErrorsFrom: "events"}
	}
	return Outcome{Result: "ready", Started: t0, Running: t0.Add(10400 * time.Millisecond), Ended: t0.Add(time.Minute), EndedBy: "exiting"}
}

func TestReadOutcomesAndSelectByOutcome(t *testing.T) {
	for _, gens := range []int{3, 200} { // 200 boots are read in parallel
		fx := newFixture(t)
		dir := fx.instance(t, "vm", nil)
		for n := 1; n <= gens; n++ {
			content := "boot " + strconv.Itoa(n)
			if n == 1 || n == gens-1 {
				content += " FAIL"
			}
			write(t, dir, fmt.Sprintf("serial.%d.log", n), content, t0)
		}
		write(t, dir, "serial.log", "now", t0)
		fake := &fakeOutcomes{inProgress: map[string]bool{}}
		fx.store.ReadOutcome = fake.read
		var askedDir string
		fx.store.BootInProgress = func(d string) bool { askedDir = d; return true }

		boots, err := fx.store.Boots("vm")
		require.NoError(t, err)
		for _, b := range boots {
			assert.Equal(t, "", b.Outcome.Result, "Boots alone reads no outcome")
		}
		sel, err := ParseBootSelector("failed")
		require.NoError(t, err)
		assert.Equal(t, BootSelector{Outcome: "failed"}, sel)
		assert.Equal(t, "failed", sel.String())
		_, err = Select(boots, sel)
		require.ErrorIs(t, err, ErrNoBoot, "outcomes not read: no failed boot")

		require.NoError(t, fx.store.ReadOutcomes("vm", boots))
		assert.Equal(t, dir, askedDir)
		require.Len(t, fake.inProgress, gens+1)
		for name, inProgress := range fake.inProgress {
			assert.Equal(t, name == "serial.log", inProgress, "%s: only the current boot is in progress", name)
		}
		failed := 0
		for _, b := range boots {
			require.NotEqual(t, "", b.Outcome.Result, "boot %d", b.Index)
			if b.Outcome.Result == "failed" {
				failed++
			}
		}
		assert.Equal(t, 2, failed)
		b, err := Select(boots, sel)
		require.NoError(t, err)
		assert.Equal(t, gens-1, b.Generation, "the newest failed boot")
		assert.Equal(t, []string{fmt.Sprintf("boot %d FAIL", gens-1)}, b.Outcome.Errors)
		_, err = Select(boots, BootSelector{Outcome: "degraded"})
		require.ErrorIs(t, err, ErrNoBoot)
		assert.Contains(t, err.Error(), fmt.Sprintf("none of the %d boots recorded is degraded", gens+1))
	}
}

func TestReadOutcomesWithoutAReaderOrABootInProgress(t *testing.T) {
	fx, _ := bootsFixture(t)
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	require.NoError(t, fx.store.ReadOutcomes("vm", boots), "no ReadOutcome: nothing to do")
	assert.Equal(t, "", boots[0].Outcome.Result)

	fake := &fakeOutcomes{inProgress: map[string]bool{}}
	fx.store.ReadOutcome = fake.read
	require.NoError(t, fx.store.ReadOutcomes("vm", boots))
	assert.False(t, fake.inProgress["serial.log"], "no BootInProgress: nothing is in progress")
	assert.Error(t, fx.store.ReadOutcomes("../vm", boots))
}

func TestBootsJSONOutcome(t *testing.T) {
	b := Boot{Index: -1, Generation: 2, Outcome: Outcome{Result: "ready", Started: t0.In(time.FixedZone("X", 3600)),
		Running: t0.Add(10400 * time.Millisecond), Ended: t0.Add(time.Minute), EndedBy: "exiting"}}
	data, err := json.Marshal(b)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "ready", got["outcome"])
	assert.Equal(t, "2026-03-01T10:00:00Z", got["startedAt"], "UTC")
	assert.Equal(t, "2026-03-01T10:00:10.4Z", got["runningAt"])
	assert.Equal(t, "2026-03-01T10:01:00Z", got["endedAt"])
	assert.Equal(t, "exiting", got["endedBy"])
	assert.Equal(t, 10.4, got["secondsToRunning"])
	assert.Equal(t, []any{}, got["errors"])

	b.Outcome = Outcome{Result: "failed", Errors: []string{"QEMU has already exited"}, ErrorsFrom: "ha.stderr", Started: t0}
	data, err = json.Marshal(b)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, []any{"QEMU has already exited"}, got["errors"])
	assert.Equal(t, "ha.stderr", got["errorsFrom"])
	assert.Nil(t, got["runningAt"])
	assert.Nil(t, got["secondsToRunning"])
	assert.Nil(t, got["endedAt"])
}

// "no such boot" lists what is recorded in words that fit: never an empty list.
func TestSelectSaysWhatIsRecorded(t *testing.T) {
	current := Boot{Index: 0}
	gen2 := Boot{Index: -1, Generation: 2}
	for _, c := range []struct {
		boots []Boot
		in    string
		want  string
	}{
		{[]Boot{current}, "3", "no such boot 3 (recorded: no generations, only the current boot, index 0)"},
		{[]Boot{current}, "-1", "no such boot -1 (recorded: index 0 only)"},
		{[]Boot{gen2, current}, "3", "no such boot 3 (recorded: generation 2)"},
		{[]Boot{{Index: 0, Generation: 2}}, "3", "no such boot 3 (recorded: generation 2)"},
	} {
		sel, err := ParseBootSelector(c.in)
		require.NoError(t, err)
		_, err = Select(c.boots, sel)
		require.ErrorIs(t, err, ErrNoBoot)
		assert.Contains(t, err.Error(), c.want)
	}
}

// A file numbered above logfile.MaxGeneration (here the largest int64) is not a
// boot: the current boot stays index 0 and is the one a selector 0 gives.
func TestBootsIgnoreNumbersAboveMaxGeneration(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", nil)
	write(t, dir, "serial.9223372036854775807.log", "hostile\n", t0)
	write(t, dir, "serial.1.log", "boot 1\n", t0)
	write(t, dir, "serial.log", "boot now\n", t0.Add(time.Hour))
	boots, err := fx.store.Boots("vm")
	require.NoError(t, err)
	require.Len(t, boots, 2)
	assert.Equal(t, 1, boots[0].Generation)
	assert.Equal(t, -1, boots[0].Index)
	assert.True(t, boots[1].Current())
	assert.Equal(t, 0, boots[1].Index)
	b, err := Select(boots, BootSelector{})
	require.NoError(t, err)
	assert.Equal(t, "serial.log", b.Files[0].Name)
}
