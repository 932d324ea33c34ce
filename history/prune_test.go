// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pruneFixture makes instance vm (running-like: its directory has logs) with five
// sets preserved on days 1..5 of March 2026, and instance old with one set on day 1.
func pruneFixture(t *testing.T) *fixture {
	fx := newFixture(t)
	fx.instance(t, "vm", map[string]string{"serial.log": "live", "serial.1.log": "gen 1"})
	for _, set := range []string{"20260301T000000Z", "20260302T000000Z", "20260303T000000Z", "20260304T000000Z", "20260305T000000Z"} {
		fx.set(t, "vm", set, map[string]string{"serial.log": "0123456789", "lima.yaml": "y"})
	}
	fx.set(t, "old", "20260301T000000Z", map[string]string{"serial.1.log.gz": "gz"})
	return fx
}

var pruneNow = time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)

func setNames(sets []Set) []string {
	var out []string
	for _, s := range sets {
		out = append(out, s.Instance+"/"+s.Name)
	}
	return out
}

func TestPruneSelection(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    PruneOptions
		removed []string
	}{
		{"older-than", PruneOptions{OlderThan: 3*24*time.Hour + time.Second, KeepSets: -1},
			[]string{"old/20260301T000000Z", "vm/20260301T000000Z", "vm/20260302T000000Z"}},
		{"keep-sets", PruneOptions{KeepSets: 2},
			[]string{"vm/20260301T000000Z", "vm/20260302T000000Z", "vm/20260303T000000Z"}},
		{"keep-sets 0", PruneOptions{KeepSets: 0, Instances: []string{"old"}}, []string{"old/20260301T000000Z"}},
		{"both: keep-sets is a floor", PruneOptions{OlderThan: 24 * time.Hour, KeepSets: 4},
			[]string{"vm/20260301T000000Z"}},
		{"both, age decides", PruneOptions{OlderThan: 4*24*time.Hour + time.Second, KeepSets: 1},
			[]string{"vm/20260301T000000Z"}}, // old's only set is its newest
		{"one instance", PruneOptions{KeepSets: 4, Instances: []string{"vm"}}, []string{"vm/20260301T000000Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := pruneFixture(t)
			instance := tree(t, filepath.Join(fx.home, "vm"))
			before := tree(t, fx.store.LogsDir)
			c.opts.Now = pruneNow
			res, err := fx.store.Prune(c.opts)
			require.NoError(t, err)
			assert.Equal(t, c.removed, setNames(res.Removed))
			var freed int64
			for _, s := range res.Removed {
				assert.NoDirExists(t, s.Path)
				freed += s.Size
			}
			assert.Equal(t, freed, res.Freed)
			after := tree(t, fx.store.LogsDir)
			for path, content := range before {
				if !slices.ContainsFunc(c.removed, func(r string) bool { return strings.HasPrefix(path, r) }) {
					assert.Equal(t, content, after[path], "%s is kept as it was", path)
				}
			}
			sets, err := fx.store.Sets(nil)
			require.NoError(t, err)
			assert.Len(t, sets, 6-len(c.removed), "the others are still there")
			assert.Equal(t, instance, tree(t, filepath.Join(fx.home, "vm")), "the instance directory is untouched")
			assert.DirExists(t, filepath.Join(fx.store.LogsDir, "old"), "per-instance directories stay (Preserve may be using them)")
		})
	}
}

func TestPruneDryRunLeavesEverything(t *testing.T) {
	fx := pruneFixture(t)
	before := tree(t, fx.home)
	res, err := fx.store.Prune(PruneOptions{KeepSets: 0, DryRun: true, Now: pruneNow})
	require.NoError(t, err)
	assert.Len(t, res.Removed, 6, "reports what it would remove")
	assert.Equal(t, int64(5*11+2), res.Freed)
	assert.Equal(t, before, tree(t, fx.home))
}

func TestPruneDryRunFreesWhatTheRealRunFrees(t *testing.T) {
	fx := pruneFixture(t)
	fx.set(t, "old", "20200101T000000Z.9", map[string]string{"serial.log": "log", ".serial.log.tmp-0123456789abcdef": "leftover"})
	opts := PruneOptions{KeepSets: 0, Now: pruneNow, DryRun: true}
	dry, err := fx.store.Prune(opts)
	require.NoError(t, err)
	opts.DryRun = false
	real, err := fx.store.Prune(opts)
	require.NoError(t, err)
	assert.Equal(t, setNames(real.Removed), setNames(dry.Removed))
	assert.Equal(t, real.Freed, dry.Freed, "the temporary leftover counts in both")
	assert.Equal(t, int64(5*11+2+len("log")+len("leftover")), real.Freed)
}

func TestPruneNeedsACriterion(t *testing.T) {
	fx := pruneFixture(t)
	before := tree(t, fx.home)
	_, err := fx.store.Prune(PruneOptions{KeepSets: -1})
	require.ErrorIs(t, err, ErrNoCriterion)
	_, err = fx.store.Prune(PruneOptions{KeepSets: 1, Instances: []string{"../vm"}})
	require.Error(t, err)
	assert.Equal(t, before, tree(t, fx.home))
}

func TestPruneLeavesSetsWithForeignContent(t *testing.T) {
	fx := pruneFixture(t)
	odd := filepath.Join(fx.store.LogsDir, "vm", "20260301T000000Z")
	require.NoError(t, os.WriteFile(filepath.Join(odd, "diffdisk"), []byte("disk"), 0o644))
	sub := filepath.Join(fx.store.LogsDir, "vm", "20260302T000000Z")
	require.NoError(t, os.Mkdir(filepath.Join(sub, "nested"), 0o755))
	link := filepath.Join(fx.store.LogsDir, "vm", "20260303T000000Z")
	require.NoError(t, os.Symlink(filepath.Join(fx.home, "vm", "serial.log"), filepath.Join(link, "x.log")))
	tmp := filepath.Join(fx.store.LogsDir, "vm", "20260304T000000Z")
	write(t, tmp, ".serial.log.tmp-0123456789abcdef", "partial", t0)

	res, err := fx.store.Prune(PruneOptions{KeepSets: 0, Instances: []string{"vm"}, Now: pruneNow})
	require.NoError(t, err)
	assert.Equal(t, []string{"vm/20260304T000000Z", "vm/20260305T000000Z"}, setNames(res.Removed), "temporary leftovers go too")
	require.Len(t, res.Skipped, 3)
	assert.Contains(t, res.Skipped[0].Reason, "diffdisk")
	assert.Contains(t, res.Skipped[1].Reason, "nested")
	assert.Contains(t, res.Skipped[2].Reason, "x.log")
	assert.FileExists(t, filepath.Join(odd, "diffdisk"))
	assert.FileExists(t, filepath.Join(odd, "serial.log"), "a skipped set is left whole")
	assert.Equal(t, "live", tree(t, filepath.Join(fx.home, "vm"))["serial.log"], "the symlink's target is untouched")
	assert.NoDirExists(t, tmp)
}

// A logs directory that is a symbolic link is refused, as Preserve refuses it:
// nothing in its target is removed.
func TestPruneRefusesASymlinkedLogsDir(t *testing.T) {
	fx := pruneFixture(t)
	real := filepath.Join(t.TempDir(), "real")
	require.NoError(t, os.Rename(fx.store.LogsDir, real))
	require.NoError(t, os.Symlink(real, fx.store.LogsDir))
	before := tree(t, real)
	_, err := fx.store.Prune(PruneOptions{KeepSets: 0, Now: pruneNow})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fx.store.LogsDir)
	assert.NotContains(t, err.Error(), "\n")
	assert.Equal(t, before, tree(t, real))
}
