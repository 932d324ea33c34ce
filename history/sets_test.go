// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetsListsPreservedSetsByInstanceThenTime(t *testing.T) {
	fx := newFixture(t)
	fx.set(t, "b", "20260102T000000Z", map[string]string{"serial.log": "b1"})
	fx.set(t, "a", "20260105T000000Z", map[string]string{"serial.log": "a-late"})
	fx.set(t, "a", "20260101T000000Z.2", map[string]string{"serial.log": "a-2"})
	early := fx.set(t, "a", "20260101T000000Z", map[string]string{
		"serial.log": "12345", "serial.1.log.gz": "gz", "lima.yaml": "y", ".serial.2.log.tmp-0123456789abcdef": "partial",
	})
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(early, "passwd.log")))
	fx.set(t, "a", "not-a-set", map[string]string{"serial.log": "x"})
	require.NoError(t, os.Symlink(early, filepath.Join(fx.store.LogsDir, "a", "20260109T000000Z")))
	require.NoError(t, os.MkdirAll(filepath.Join(fx.store.LogsDir, "_hidden", "20260101T000000Z"), 0o700))

	sets, err := fx.store.Sets(nil)
	require.NoError(t, err)
	var got []string
	for _, s := range sets {
		got = append(got, s.Instance+"/"+s.Name)
	}
	assert.Equal(t, []string{"a/20260101T000000Z", "a/20260101T000000Z.2", "a/20260105T000000Z", "b/20260102T000000Z"}, got)
	first := sets[0]
	assert.Equal(t, early, first.Path)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), first.Time)
	assert.Equal(t, []string{"lima.yaml", "serial.1.log.gz", "serial.log"}, names(first.Files), "no temporary file, no symlink")
	assert.Equal(t, int64(1+2+5), first.Size)
	assert.Equal(t, "serial", first.Files[1].Log)
	assert.True(t, first.Files[1].Compressed)
	assert.Equal(t, "", first.Files[0].Log)

	only, err := fx.store.Sets([]string{"b", "nothing-here"})
	require.NoError(t, err)
	require.Len(t, only, 1)
	assert.Equal(t, "b", only[0].Instance)

	_, err = fx.store.Sets([]string{"a/../b"})
	assert.Error(t, err)

	none, err := newFixture(t).store.Sets(nil)
	require.NoError(t, err, "no logs directory yet")
	assert.Empty(t, none)
}

func TestSetsJSONShape(t *testing.T) {
	fx := newFixture(t)
	fx.set(t, "vm", "20260101T093000Z", map[string]string{"serial.log": "abc"})
	sets, err := fx.store.Sets(nil)
	require.NoError(t, err)
	data, err := json.Marshal(sets)
	require.NoError(t, err)
	var got []map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	require.Len(t, got, 1)
	files := got[0]["files"]
	delete(got[0], "files")
	assert.Equal(t, map[string]any{"instance": "vm", "name": "20260101T093000Z", "time": "2026-01-01T09:30:00Z",
		"path": filepath.Join(fx.store.LogsDir, "vm", "20260101T093000Z"), "size": float64(3)}, got[0])
	require.Len(t, files, 1)
	assert.Equal(t, "serial.log", files.([]any)[0].(map[string]any)["name"])

	data, err = json.Marshal([]Set{{Instance: "x"}})
	require.NoError(t, err)
	assert.Contains(t, string(data), `"files":[]`)
}
