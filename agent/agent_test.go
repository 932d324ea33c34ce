// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !windows

package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/history"
	"limactl-logkeep/internal/limasim"
	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// running is an agent run in the test's process.
type running struct {
	cancel context.CancelFunc
	done   chan error
	log    *testutil.Buffer
}

// startAgent runs the agent with cfg (Log and a short CatchUpDelay filled in) until the test ends,
// and waits until it watches every home.
func startAgent(t *testing.T, cfg Config) *running {
	t.Helper()
	r := &running{done: make(chan error, 1), log: &testutil.Buffer{}}
	log := logrus.New()
	log.SetOutput(r.log)
	log.SetLevel(logrus.DebugLevel)
	cfg.Log = log
	if cfg.CatchUpDelay == 0 {
		cfg.CatchUpDelay = 30 * time.Millisecond
	}
	if cfg.MaxBackups == 0 {
		cfg.MaxBackups = 5
	}
	ready := make(chan struct{})
	cfg.Ready = func() { close(ready) }
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { r.done <- Run(ctx, cfg) }()
	select {
	case <-ready:
	case err := <-r.done:
		t.Fatalf("the agent stopped: %v\n%s", err, r.log)
	case <-time.After(20 * time.Second):
		t.Fatalf("the agent is not ready after 20s:\n%s", r.log)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop stops the agent and waits for it; it is safe to call twice.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("the agent does not stop:\n%s", r.log)
	}
	if t.Failed() {
		t.Logf("agent log:\n%s", r.log)
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// waitGeneration waits until generation n of each of names is in dir.
func waitGeneration(t *testing.T, dir string, n int, names ...string) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("%s: %v", dir, testutil.DirNames(t, dir))
			store := filepath.Join(filepath.Dir(dir), "_logkeep", ".agent", filepath.Base(dir))
			t.Logf("%s: %v", store, testutil.DirNames(t, store))
		}
	}()
	waitFor(t, fmt.Sprintf("generation %d of %v in %s", n, names, dir), func() bool {
		for _, name := range names {
			if !exists(filepath.Join(dir, generationOf(name, n))) {
				return false
			}
		}
		return true
	})
}

// readFile returns the content of path, failing the test when it cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// requireKept checks with limasim.Check that every boot of in is whole somewhere, that no
// generation holds two boots and no boot is split.
func requireKept(t *testing.T, in *limasim.Instance, setsDir string) limasim.Report {
	t.Helper()
	rep, err := limasim.Check(in, setsDir)
	require.NoError(t, err)
	require.True(t, rep.OK(), "%s", rep)
	require.Empty(t, rep.Split, "%s", rep)
	return rep
}

var qemuLogs = []string{limasim.HAStdout, limasim.HAStderr, limasim.Serial, limasim.SerialV}

// boot starts in with driver, writes a line and leaves it running once the agent has linked its
// logs (a real boot lasts far longer than the agent takes to link them; see linked).
func boot(t *testing.T, in *limasim.Instance, driver limasim.Driver, delay time.Duration) {
	t.Helper()
	require.NoError(t, in.Start(driver, delay, nil))
	require.NoError(t, in.Run())
	waitLinked(t, in)
}

// waitLinked waits until the agent's store links every active log of in.
func waitLinked(t *testing.T, in *limasim.Instance) {
	t.Helper()
	store := filepath.Join(filepath.Dir(in.Dir), "_logkeep", ".agent", filepath.Base(in.Dir))
	waitFor(t, "the agent to link the logs of "+in.Dir, func() bool { return linked(in.Dir, store) })
}

// linked reports whether store links every active log of dir.
func linked(dir, store string) bool {
	d, err1 := readFiles(dir)
	s, err2 := readFiles(store)
	if err1 != nil || err2 != nil {
		return false
	}
	for name, fi := range d.m {
		if !isActive(name) {
			continue
		}
		if sfi, ok := s.m[name]; !ok || !os.SameFile(fi, sfi) {
			return false
		}
	}
	return true
}

func TestEveryQEMUBootIsAGeneration(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	require.NoError(t, in.Start(limasim.QEMU, 0, nil)) // before the agent runs
	require.NoError(t, in.Run())
	startAgent(t, Config{Homes: []string{home}})
	for b := 2; b <= 4; b++ {
		require.NoError(t, in.Stop())
		boot(t, in, limasim.QEMU, 20*time.Millisecond)
		waitGeneration(t, in.Dir, b-1, qemuLogs...)
	}
	rep := requireKept(t, in, filepath.Join(home, "_logkeep", "vm"))
	for b := 1; b <= 3; b++ {
		for _, name := range qemuLogs {
			assert.Equal(t, string(in.Wrote(b)[name]), readFile(t, filepath.Join(in.Dir, generationOf(name, b))), "boot %d %s", b, name)
		}
	}
	assert.Equal(t, []string{filepath.Join(in.Dir, limasim.Serial)}, rep.Where["boot 4 serial.log"])
	t.Run("the history reads them as the hooks' boots", func(t *testing.T) {
		boots, err := historyStore(home).Boots("vm")
		require.NoError(t, err)
		require.Len(t, boots, 4)
		assert.Equal(t, []int{1, 2, 3, 0}, []int{boots[0].Generation, boots[1].Generation, boots[2].Generation, boots[3].Generation})
	})
}

func historyStore(home string) history.Store {
	return history.Store{
		LogsDir:     filepath.Join(home, "_logkeep"),
		LogNames:    limaadapter.LogNames,
		ConfigFile:  limaadapter.ConfigFile,
		InstanceDir: func(name string) (string, error) { return filepath.Join(home, name), nil },
		ValidNames:  limaadapter.ValidateNames,
	}
}

// A VZ start truncates serialv.log in place 5 ms after the host agent's logs are made again: the
// agent must have moved the last boot's aside by then.
func TestVZSerialTruncatedInPlaceIsKept(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vz")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.VZ, 0)
	for b := 2; b <= 6; b++ {
		require.NoError(t, in.Stop())
		boot(t, in, limasim.VZ, 5*time.Millisecond)
		waitGeneration(t, in.Dir, b-1, limasim.HAStdout, limasim.HAStderr, limasim.SerialV)
		assert.Equal(t, string(in.Wrote(b - 1)[limasim.SerialV]), readFile(t, filepath.Join(in.Dir, generationOf(limasim.SerialV, b-1))))
	}
	requireKept(t, in, filepath.Join(home, "_logkeep", "vz"))
}

func TestDeleteWithKeepLogsPreservesEveryBoot(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	for b := 1; b <= 3; b++ {
		if b > 1 {
			require.NoError(t, in.Stop())
		}
		boot(t, in, limasim.QEMU, 5*time.Millisecond)
		if b > 1 {
			waitGeneration(t, in.Dir, b-1, qemuLogs...)
		}
	}
	store := filepath.Join(home, "_logkeep", ".agent", "vm")
	require.DirExists(t, store)
	require.NoError(t, in.Delete()) // os.RemoveAll must not fail because of the agent
	setsDir := filepath.Join(home, "_logkeep", "vm")
	waitFor(t, "the agent's store to go", func() bool { return !exists(store) })
	sets, err := historyStore(home).Sets([]string{"vm"})
	require.NoError(t, err)
	require.Len(t, sets, 1)
	var names []string
	for _, f := range sets[0].Files {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"ha.stderr.1.log", "ha.stderr.2.log", "ha.stderr.log", "ha.stdout.1.log", "ha.stdout.2.log",
		"ha.stdout.log", "lima.yaml", "serial.1.log", "serial.2.log", "serial.log", "serialv.1.log", "serialv.2.log", "serialv.log"}, names)
	rep := requireKept(t, in, setsDir)
	assert.Equal(t, []string{filepath.Join(sets[0].Path, "serial.log")}, rep.Where["boot 3 serial.log"])
	assert.Equal(t, "# limasim vm\nvmType: qemu\n", readFile(t, filepath.Join(sets[0].Path, "lima.yaml")))
}

func TestDeleteWithoutKeepLogsLeavesNothing(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	require.NoError(t, in.Delete())
	waitFor(t, "the agent's store to go", func() bool { return !exists(filepath.Join(home, "_logkeep", ".agent", "vm")) })
	assert.NoDirExists(t, filepath.Join(home, "_logkeep", "vm"))
	waitFor(t, "only the agent's own files", func() bool {
		return slices.Equal([]string{"_agent.lock", "_state.json"}, testutil.DirNames(t, filepath.Join(home, "_logkeep", ".agent")))
	})
}

// Deleting a running instance right as the agent acts on the removal of ha.stdout.log (which a
// delete's RemoveAll also makes) never makes the delete fail, and keeps every log.
func TestDeleteIsNeverDisturbed(t *testing.T) {
	home := t.TempDir()
	startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	for i := range 20 {
		name := fmt.Sprintf("vm%d", i)
		in, err := limasim.Create(home, name)
		require.NoError(t, err)
		waitFor(t, "the agent to watch "+name, func() bool { return exists(filepath.Join(home, "_logkeep", ".agent", name, "lima.yaml")) })
		boot(t, in, limasim.VZ, 0)
		waitFor(t, "the agent to link "+name+"'s logs", func() bool {
			return exists(filepath.Join(home, "_logkeep", ".agent", name, limasim.SerialV))
		})
		require.NoError(t, in.Delete(), "trial %d", i)
		waitFor(t, "the store of "+name+" to go", func() bool { return !exists(filepath.Join(home, "_logkeep", ".agent", name)) })
		requireKept(t, in, filepath.Join(home, "_logkeep", name))
	}
}

func TestInstancesMadeLaterAreWatched(t *testing.T) {
	home := t.TempDir()
	startAgent(t, Config{Homes: []string{home}})
	in, err := limasim.Create(home, "later")
	require.NoError(t, err)
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	requireKept(t, in, filepath.Join(home, "_logkeep", "later"))
}

// Entries of the home that are not instances are never watched nor kept.
func TestNotInstancesAreIgnored(t *testing.T) {
	home := t.TempDir()
	for _, dir := range []string{"_config", "_networks", ".hidden", "bad name"} {
		require.NoError(t, os.Mkdir(filepath.Join(home, dir), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(home, dir, "serial.log"), []byte("x"), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(home, "file"), []byte("x"), 0o644))
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	require.NoError(t, os.Symlink(in.Dir, filepath.Join(home, "link")))
	// A symbolic link posing as a log is never followed.
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("secret"), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(in.Dir, "serialp.log")))
	startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	assert.Equal(t, []string{"_agent.lock", "_state.json", "vm"}, testutil.DirNames(t, filepath.Join(home, "_logkeep", ".agent")))
	assert.NoFileExists(t, filepath.Join(home, "_logkeep", ".agent", "vm", "serialp.log"))
	fi, err := os.Lstat(filepath.Join(in.Dir, "serialp.log"))
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, fi.Mode().Type(), "the symbolic link is left alone")
	assert.Equal(t, "secret", readFile(t, secret))
}

// The agent was not running when the instance started: the boot before is still kept, from its
// links.
func TestCatchUpAfterAStartWithoutTheAgent(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	a := startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.QEMU, 0)
	waitFor(t, "the links", func() bool { return exists(filepath.Join(home, "_logkeep", ".agent", "vm", limasim.Serial)) })
	require.NoError(t, in.Stop())
	a.stop(t)
	require.NoError(t, in.Start(limasim.QEMU, 0, nil)) // Lima removes boot 1's logs; the store still links them
	startAgent(t, Config{Homes: []string{home}})
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	requireKept(t, in, filepath.Join(home, "_logkeep", "vm"))
}

// The agent starts while a start is in progress (host agent not up yet): the last boot's logs,
// still in place, become the generation at once.
func TestCatchUpDuringAStart(t *testing.T) {
	for _, driver := range []limasim.Driver{limasim.QEMU, limasim.VZ} {
		t.Run(fmt.Sprint(driver), func(t *testing.T) {
			home := t.TempDir()
			in, err := limasim.Create(home, "vm")
			require.NoError(t, err)
			a := startAgent(t, Config{Homes: []string{home}})
			boot(t, in, driver, 0)
			waitFor(t, "the links", func() bool { return exists(filepath.Join(home, "_logkeep", ".agent", "vm", limasim.SerialV)) })
			require.NoError(t, in.Stop())
			a.stop(t)
			require.NoError(t, in.Start(driver, 0, func(step limasim.StartStep) {
				if step == limasim.AfterHostAgentLogs {
					startAgent(t, Config{Homes: []string{home}})
					waitGeneration(t, in.Dir, 1, limasim.SerialV)
				}
			}))
			waitGeneration(t, in.Dir, 1, limasim.HAStdout, limasim.HAStderr, limasim.SerialV)
			requireKept(t, in, filepath.Join(home, "_logkeep", "vm"))
		})
	}
}

// With the hooks' rotation also in use (the wrapper or plugin), each boot still gives exactly one
// generation.
func TestOneRuleWithTheHooks(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.QEMU, 0)
	for b := 2; b <= 5; b++ {
		require.NoError(t, in.Stop())
		if b%2 == 0 { // through the hooks: rotate first, as `limactl logkeep start` does
			require.NoError(t, logfile.WithDirLock(in.Dir, func() error {
				_, err := logfile.Rotate(in.Dir, logfile.RotateOptions{Names: limaadapter.LogNames, MaxBackups: 5})
				return err
			}))
		}
		boot(t, in, limasim.QEMU, 5*time.Millisecond)
		waitGeneration(t, in.Dir, b-1, qemuLogs...)
	}
	time.Sleep(100 * time.Millisecond) // anything more the agent would do
	requireKept(t, in, filepath.Join(home, "_logkeep", "vm"))
	assert.Equal(t, []string{"1", "2", "3", "4"}, gens(t, in.Dir, "serial"))
	assert.Equal(t, []string{"1", "2", "3", "4"}, gens(t, in.Dir, "ha.stdout"))
}

// gens returns the generation numbers of base in dir, in order.
func gens(t *testing.T, dir, base string) []string {
	t.Helper()
	var ns []int
	for _, name := range testutil.DirNames(t, dir) {
		if g, ok := logfile.ParseGeneration(name); ok && g.Base == base {
			ns = append(ns, g.N)
		}
	}
	slices.Sort(ns)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprint(n)
	}
	return out
}

func TestRetentionAndCompression(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}, MaxBackups: 2, Compress: true})
	boot(t, in, limasim.QEMU, 0)
	for b := 2; b <= 5; b++ {
		require.NoError(t, in.Stop())
		boot(t, in, limasim.QEMU, 5*time.Millisecond)
		waitGeneration(t, in.Dir, b-1, qemuLogs...)
	}
	store := filepath.Join(home, "_logkeep", ".agent", "vm")
	waitFor(t, "the store to follow", func() bool { return !exists(filepath.Join(store, "serial.3.log")) })
	assert.Equal(t, []string{"ha.stderr.3.log.gz", "ha.stderr.4.log", "ha.stderr.log", "ha.stdout.3.log.gz", "ha.stdout.4.log",
		"ha.stdout.log", "lima.yaml", "serial.3.log.gz", "serial.4.log", "serial.log", "serialv.3.log.gz", "serialv.4.log", "serialv.log"},
		slices.DeleteFunc(testutil.DirNames(t, in.Dir), func(n string) bool { return n == "ha.pid" }))
	assert.Equal(t, []string{".instance", "ha.stderr.3.log.gz", "ha.stderr.4.log", "ha.stderr.log", "ha.stdout.3.log.gz", "ha.stdout.4.log",
		"ha.stdout.log", "lima.yaml", "serial.3.log.gz", "serial.4.log", "serial.log", "serialv.3.log.gz", "serialv.4.log", "serialv.log"},
		testutil.DirNames(t, store))
	rep, err := limasim.Check(in, filepath.Join(home, "_logkeep", "vm"))
	require.NoError(t, err)
	assert.Len(t, rep.Lost, 8, "boots 1 and 2 were pruned, as --max-backups=2 says: %s", rep)
	assert.Empty(t, rep.Mixed)
	for _, lost := range rep.Lost {
		assert.Regexp(t, `^boot [12] `, lost)
	}
}

// A renamed instance (limactl rename) takes its kept logs along.
func TestRenameTakesTheStoreAlong(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "old")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	require.NoError(t, in.Stop())
	newDir := filepath.Join(home, "new")
	require.NoError(t, os.Rename(in.Dir, newDir))
	in.Dir = newDir
	waitFor(t, "the store to follow", func() bool { return exists(filepath.Join(home, "_logkeep", ".agent", "new", "serial.1.log")) })
	assert.NoDirExists(t, filepath.Join(home, "_logkeep", ".agent", "old"))
	assert.NoDirExists(t, filepath.Join(home, "_logkeep", "old"), "a rename is not a delete")
	require.NoError(t, os.RemoveAll(newDir))
	waitFor(t, "the preserved set", func() bool { return !exists(filepath.Join(home, "_logkeep", ".agent", "new")) })
	requireKept(t, in, filepath.Join(home, "_logkeep", "new"))
}

func TestBadInputTouchesNothing(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	home := t.TempDir()
	shm, err := os.MkdirTemp("/dev/shm", "lk")
	if err != nil {
		testutil.MissingPrerequisite(t, "a directory on /dev/shm (tmpfs) for a logs directory on another filesystem: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	cases := []struct {
		name      string
		cfg       Config
		wantPath  string
		wantWords string
	}{
		{"missing home", Config{Homes: []string{filepath.Join(home, "nope")}}, filepath.Join(home, "nope"), "does not exist"},
		{"home is a file", Config{Homes: []string{file}}, file, "not a directory"},
		{"logs dir is a file", Config{Homes: []string{home}, LogsDir: filepath.Join(file, "x")}, file, "not a directory"},
		{"one logs dir for two homes", Config{Homes: []string{home, t.TempDir()}, LogsDir: filepath.Join(home, "x")}, filepath.Join(home, "x"), "one agent per home"},
		{"same home twice", Config{Homes: []string{home, home}}, home, "twice"},
	}
	if shm != "" {
		cases = append(cases, struct {
			name      string
			cfg       Config
			wantPath  string
			wantWords string
		}{"logs dir on another filesystem", Config{Homes: []string{home}, LogsDir: filepath.Join(shm, "logs")}, filepath.Join(shm, "logs"), "another filesystem"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.MaxBackups = 5
			err := Run(context.Background(), c.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.wantPath)
			assert.Contains(t, err.Error(), c.wantWords)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, testutil.DirNames(t, home), "nothing touched")
		})
	}
	t.Run("a second agent on the same home", func(t *testing.T) {
		startAgent(t, Config{Homes: []string{home}})
		before := readFile(t, filepath.Join(home, "_logkeep", ".agent", "_state.json"))
		err := Run(context.Background(), Config{Homes: []string{home}, MaxBackups: 5, Log: logrus.New()})
		require.Error(t, err)
		assert.Contains(t, err.Error(), home)
		assert.Contains(t, err.Error(), "another agent already watches")
		assert.NotContains(t, err.Error(), "\n")
		assert.Equal(t, before, readFile(t, filepath.Join(home, "_logkeep", ".agent", "_state.json")))
	})
}

func TestStateSaysWhatWasKept(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	a := startAgent(t, Config{Homes: []string{home}})
	st, running, err := ReadState(filepath.Join(home, "_logkeep"))
	require.NoError(t, err)
	assert.True(t, running)
	assert.Equal(t, os.Getpid(), st.PID)
	assert.Equal(t, []string{"vm"}, st.Instances)
	assert.True(t, st.LastKept.IsZero())
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	waitFor(t, "the state", func() bool {
		st, _, err = ReadState(filepath.Join(home, "_logkeep"))
		return err == nil && st.Kept == 1
	})
	assert.Equal(t, `boot of instance "vm" as generation 1`, st.What)
	assert.WithinDuration(t, time.Now(), st.LastKept, time.Minute)
	a.stop(t)
	_, running, err = ReadState(filepath.Join(home, "_logkeep"))
	require.NoError(t, err)
	assert.False(t, running)
	_, _, err = ReadState(filepath.Join(t.TempDir(), "_logkeep"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.True(t, strings.Contains(err.Error(), "no agent has watched it"))
}

// `limactl factory-reset` removes every log, generations included, and boots nothing: the last
// boot's logs are kept by the agent and become a generation at the next boot.
func TestFactoryResetThenStart(t *testing.T) {
	home := t.TempDir()
	in, err := limasim.Create(home, "vm")
	require.NoError(t, err)
	startAgent(t, Config{Homes: []string{home}})
	boot(t, in, limasim.QEMU, 0)
	require.NoError(t, in.Stop())
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 1, qemuLogs...)
	require.NoError(t, in.Stop())
	for _, name := range testutil.DirNames(t, in.Dir) { // Lima's factory-reset
		if name != "lima.yaml" {
			require.NoError(t, os.RemoveAll(filepath.Join(in.Dir, name)))
		}
	}
	time.Sleep(100 * time.Millisecond)
	assert.Equal(t, []string{"lima.yaml"}, testutil.DirNames(t, in.Dir), "the agent adds nothing to a reset instance")
	boot(t, in, limasim.QEMU, 5*time.Millisecond)
	waitGeneration(t, in.Dir, 2, qemuLogs...)
	for _, name := range qemuLogs {
		assert.Equal(t, string(in.Wrote(2)[name]), readFile(t, filepath.Join(in.Dir, generationOf(name, 2))), name)
	}
	assert.NoFileExists(t, filepath.Join(in.Dir, "serial.1.log"), "what the reset removed stays out of the instance")
	assert.FileExists(t, filepath.Join(home, "_logkeep", ".agent", "vm", "serial.1.log"), "but the agent still keeps it")
}
