// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

func keysOf(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func version() (string, error) { return "limactl version 1.2.1\n", nil }

// checkManifest verifies that the manifest lists every other entry with its size
// and sha256, and returns it.
func checkManifest(t *testing.T, files map[string]string, order []string, prefix string) Manifest {
	t.Helper()
	require.NotEmpty(t, order)
	assert.Equal(t, prefix+"/manifest.json", order[len(order)-1], "the manifest comes last")
	var m Manifest
	require.NoError(t, json.Unmarshal([]byte(files[prefix+"/manifest.json"]), &m))
	listed := map[string]bool{}
	for _, f := range m.Files {
		content, ok := files[f.Path]
		require.True(t, ok, "%s is in the archive", f.Path)
		assert.Equal(t, int64(len(content)), f.Size, f.Path)
		sum := sha256.Sum256([]byte(content))
		assert.Equal(t, hex.EncodeToString(sum[:]), f.SHA256, f.Path)
		listed[f.Path] = true
	}
	for _, name := range order[:len(order)-1] {
		assert.True(t, listed[name], "%s is in the manifest", name)
	}
	assert.Equal(t, ManifestFormat, m.Format)
	return m
}

func TestCollectContentsAndChecksums(t *testing.T) {
	fx := newFixture(t)
	vm := fx.instance(t, "vm", nil)
	rotateBoots(t, vm) // serial.1.log.gz, serial.2.log, serial.log, ha.stderr.*
	fx.instance(t, "other", map[string]string{"serialv.log": "other console"})
	fx.set(t, "vm", "20260101T000000Z", map[string]string{"serial.log": "preserved boot", "lima.yaml": "old config"})
	fx.set(t, "gone", "20260102T000000Z", map[string]string{"serial.3.log": "deleted instance", "lima.yaml": "gone config"})

	var out bytes.Buffer
	var progress []int64
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{
		Prefix: "bundle", LimactlVersion: version, ToolVersion: "v9", Now: t0,
		Progress: func(done, total int64) { progress = append(progress, done, total) },
	})
	require.NoError(t, err)
	files, order := testutil.Untar(t, &out)
	got := checkManifest(t, files, order, "bundle")
	assert.Equal(t, m.Files, got.Files)

	orig, err := os.ReadFile(filepath.Join(vm, "serial.log"))
	require.NoError(t, err)
	assert.Equal(t, string(orig), files["bundle/vm/instance/serial.log"])
	assert.True(t, strings.HasPrefix(files["bundle/vm/instance/serial.1.log"], "boot 1 marker\n"), "the .gz is stored decompressed")
	assert.NotContains(t, files, "bundle/vm/instance/serial.1.log.gz")
	assert.True(t, strings.HasPrefix(files["bundle/vm/instance/serial.2.log"], "boot 2 marker\n"))
	assert.Equal(t, "vmType: qemu\n", files["bundle/vm/instance/lima.yaml"])
	assert.Equal(t, "other console", files["bundle/other/instance/serialv.log"])
	assert.Equal(t, "preserved boot", files["bundle/vm/preserved/20260101T000000Z/serial.log"])
	assert.Equal(t, "old config", files["bundle/vm/preserved/20260101T000000Z/lima.yaml"])
	assert.Equal(t, "deleted instance", files["bundle/gone/preserved/20260102T000000Z/serial.3.log"])
	assert.Equal(t, "limactl version 1.2.1\n", files["bundle/limactl-version.txt"])

	assert.Equal(t, "limactl version 1.2.1\n", m.LimactlVersion)
	assert.Equal(t, "v9", m.ToolVersion)
	assert.Equal(t, t0, m.Created)
	require.Len(t, m.Instances, 3)
	assert.Equal(t, "gone", m.Instances[0].Name)
	assert.Equal(t, "", m.Instances[0].InstanceDir)
	assert.Equal(t, []string{"20260102T000000Z"}, m.Instances[0].PreservedSets)
	assert.Equal(t, "other", m.Instances[1].Name)
	assert.Equal(t, "vm", m.Instances[2].Name)
	assert.Equal(t, vm, m.Instances[2].InstanceDir)
	assert.Equal(t, []string{"20260101T000000Z"}, m.Instances[2].PreservedSets)
	var bootDirs []string
	for _, b := range m.Instances[2].Boots {
		bootDirs = append(bootDirs, fmt.Sprintf("%s %d", b.Dir, b.Index))
	}
	assert.Equal(t, []string{"vm/instance -2", "vm/instance -1", "vm/instance 0", "vm/preserved/20260101T000000Z 0"}, bootDirs,
		"the boots of the instance directory, then of each set")
	for _, f := range m.Files {
		if f.Path == "bundle/vm/instance/serial.1.log" {
			assert.True(t, f.Gunzipped)
			assert.Equal(t, filepath.Join(vm, "serial.1.log.gz"), f.Source)
		}
	}

	require.NotEmpty(t, progress)
	total := progress[len(progress)-1]
	assert.Equal(t, total, progress[len(progress)-2], "progress ends at the total")

	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(files["bundle/manifest.json"]), &raw))
	assert.ElementsMatch(t, []string{"format", "created", "limactlLogkeepVersion", "limactlVersion", "limactlVersionError", "instances",
		"files", "skipped", "guestLogs", "redacted"}, keysOf(raw), "lowerCamelCase, as limactl list --json")
	file := raw["files"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"path", "source", "size", "sha256", "modified", "gunzipped", "redacted"}, keysOf(file))
	inst := raw["instances"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"name", "instanceDir", "preservedSets", "boots"}, keysOf(inst))
	boot := inst["boots"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"dir", "index", "generation", "outcome", "errors", "errorsFrom", "startedAt", "runningAt",
		"endedAt", "endedBy", "secondsToRunning"}, keysOf(boot))
	assert.Contains(t, files, "bundle/SUMMARY.md")
}

func TestCollectNamedInstancesAndDeletedOnes(t *testing.T) {
	fx := newFixture(t)
	fx.instance(t, "vm", map[string]string{"serial.log": "vm"})
	fx.instance(t, "other", map[string]string{"serial.log": "other"})
	fx.set(t, "gone", "20260102T000000Z", map[string]string{"serial.log": "deleted boot 2", "serial.1.log": "deleted boot 1"})

	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Instances: []string{"gone"}, Prefix: "p",
		LimactlVersion: func() (string, error) { return "", errors.New("limactl not found") }})
	require.NoError(t, err, "a deleted instance's preserved sets are enough, and limactl is not needed")
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	assert.Equal(t, "deleted boot 1", files["p/gone/preserved/20260102T000000Z/serial.1.log"])
	assert.Equal(t, "deleted boot 2", files["p/gone/preserved/20260102T000000Z/serial.log"])
	assert.NotContains(t, files, "p/vm/instance/serial.log")
	assert.Contains(t, files["p/limactl-version.txt"], "limactl not found")
	assert.Equal(t, "limactl not found", m.LimactlVersionError)
	assert.Equal(t, "", m.LimactlVersion)

	_, err = fx.store.Collect(context.Background(), io.Discard, CollectOptions{Instances: []string{"vm", "nothing"}})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), `"nothing"`)
	_, err = fx.store.Collect(context.Background(), io.Discard, CollectOptions{Instances: []string{"../vm"}})
	assert.Error(t, err)
	_, err = newFixture(t).store.Collect(context.Background(), io.Discard, CollectOptions{})
	assert.ErrorIs(t, err, ErrNotFound, "nothing at all to collect")
}

func TestCollectLeavesOutUnreadableFilesAndSaysSo(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", map[string]string{"serial.log": "ok"})
	require.NoError(t, os.Symlink("/etc/hostname", filepath.Join(dir, "serialv.log")))
	write(t, dir, "ha.stderr.1.log.gz", "not gzip at all", t0)
	var warned []string
	var out bytes.Buffer
	m, err := fx.store.Collect(context.Background(), &out, CollectOptions{Prefix: "p", Warn: func(s string) { warned = append(warned, s) }})
	require.NoError(t, err)
	files, order := testutil.Untar(t, &out)
	checkManifest(t, files, order, "p")
	assert.Equal(t, "ok", files["p/vm/instance/serial.log"])
	assert.NotContains(t, files, "p/vm/instance/serialv.log", "symbolic links are never followed")
	require.Len(t, m.Skipped, 1)
	assert.Equal(t, filepath.Join(dir, "ha.stderr.1.log.gz"), m.Skipped[0].Source)
	require.Len(t, warned, 1)
	assert.Contains(t, warned[0], "ha.stderr.1.log.gz")
}

func TestCollectStopsWhenCancelled(t *testing.T) {
	fx := newFixture(t)
	fx.instance(t, "vm", map[string]string{"serial.log": "x"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := fx.store.Collect(ctx, io.Discard, CollectOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

// Collect streams: a large log goes through without being held in memory.
func TestCollectMemoryDoesNotGrowWithFileSize(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm", nil)
	f, err := os.Create(filepath.Join(dir, "serial.log"))
	require.NoError(t, err)
	w := bufioWriter(f)
	for i := range 600_000 { // about 30 MB
		fmt.Fprintf(w, "console line %08d %x\n", i, i*7919)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = fx.store.Collect(context.Background(), io.Discard, CollectOptions{Prefix: "p"})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "allocations must not grow with the 30 MB file")
}
