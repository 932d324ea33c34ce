// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !windows

package agent

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// testKeeper is a keeper of the instance directory home/vm (made, with a lima.yaml) and its store,
// driven directly by the test: no watcher, no worker.
func testKeeper(t *testing.T, keepLogs bool) *keeper {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, "vm")
	require.NoError(t, os.Mkdir(dir, 0o755))
	write(t, filepath.Join(dir, "lima.yaml"), "vmType: qemu\n")
	log := logrus.New()
	log.SetOutput(&testutil.Buffer{})
	k := &keeper{name: "vm", dir: dir, store: filepath.Join(home, "_logkeep", ".agent", "vm"),
		setsDir: filepath.Join(home, "_logkeep", "vm"),
		s: &settings{MaxBackups: 3, KeepLogs: keepLogs, Log: log,
			startInProgress: func(string, time.Time) bool { return false }}}
	require.NoError(t, k.open())
	return k
}

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// tree maps each regular file of dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, name := range testutil.DirNames(t, dir) {
		fi, err := os.Lstat(filepath.Join(dir, name))
		require.NoError(t, err)
		if fi.Mode().IsRegular() && name != identityFile {
			m[name] = readFile(t, filepath.Join(dir, name))
		}
	}
	return m
}

func TestMoveOutPutsBackANewBootsFile(t *testing.T) {
	k := testKeeper(t, false)
	write(t, k.dpath("serialv.log"), "new boot")
	write(t, k.spath("serialv.log"), "old boot") // another file: what the store linked before
	sfi, err := os.Lstat(k.spath("serialv.log"))
	require.NoError(t, err)
	require.NoError(t, k.moveOut("serialv.log", sfi))
	assert.Equal(t, "new boot", readFile(t, k.dpath("serialv.log")), "put back")
	assert.NoFileExists(t, k.spath("serialv.log"+movingSuffix))
	require.NoError(t, k.moveOut("serial.log", sfi), "a file Lima removed meanwhile is fine")
}

func TestInterruptedMovesAreFinished(t *testing.T) {
	k := testKeeper(t, false)
	// 1: the move was done, the store links it: the leftover goes.
	write(t, k.spath("serialv.log"), "kept")
	require.NoError(t, os.Link(k.spath("serialv.log"), k.spath("serialv.log"+movingSuffix)))
	// 2: a new boot's file taken by mistake: back to the instance directory.
	write(t, k.spath("serial.log"+movingSuffix), "new boot's serial")
	// 3: taken by mistake, and its name is taken again in the instance directory: kept in the store.
	write(t, k.spath("driver.stderr.log"+movingSuffix), "orphan")
	write(t, k.dpath("driver.stderr.log"), "newer")
	k.cleanMoving()
	assert.Equal(t, map[string]string{"serialv.log": "kept", "driver.stderr.log": "orphan"}, tree(t, k.store))
	assert.Equal(t, "new boot's serial", readFile(t, k.dpath("serial.log")))
	// In a store whose instance is gone, leftovers become logs, so they are preserved.
	write(t, k.spath("krunkit.log"+movingSuffix), "orphan 2")
	write(t, k.spath("krunkit.log"), "other")
	k.adoptMoving()
	assert.Equal(t, map[string]string{"serialv.log": "kept", "driver.stderr.log": "orphan", "krunkit.log": "other",
		"krunkit.1.log": "orphan 2"}, tree(t, k.store))
}

// The hooks numbered a generation the store already uses for one the directory no longer has
// (the user removed it): the store's is kept under a new number, and the directory's linked.
func TestAGenerationNumberTakenTwice(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.spath("serial.2.log"), "removed from the instance by hand")
	write(t, k.dpath("serial.2.log"), "the hooks' generation 2")
	require.NoError(t, k.settle())
	assert.Equal(t, map[string]string{"serial.2.log": "the hooks' generation 2", "serial.3.log": "removed from the instance by hand",
		"lima.yaml": "vmType: qemu\n"}, tree(t, k.store))
	assert.Equal(t, "the hooks' generation 2", readFile(t, k.dpath("serial.2.log")))
}

// A pending generation whose number the directory has taken meanwhile is renumbered, not mixed.
func TestPendingGenerationRenumbered(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.spath("serial.1.log"), "last boot")
	require.NoError(t, writePending(k.store, []int{1}))
	write(t, k.dpath("serial.1.log"), "the hooks' boot")
	write(t, k.dpath("ha.stdout.log"), "") // a start: the pending generation may go in
	require.NoError(t, k.settle())
	assert.Equal(t, "the hooks' boot", readFile(t, k.dpath("serial.1.log")))
	assert.Equal(t, "last boot", readFile(t, k.dpath("serial.2.log")))
	pending, err := readPending(k.store)
	require.NoError(t, err)
	assert.Empty(t, pending)
}

// The agent was killed in the middle of making generation 4 in its store: the links it had not
// renamed yet join generation 4, the same boot.
func TestInterruptedSignalJoinsItsGeneration(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.spath("ha.stdout.4.log"), "boot's events")
	write(t, k.spath("ha.stderr.log"), "boot's stderr") // Lima removed it from the directory
	require.NoError(t, writePending(k.store, []int{4}))
	require.NoError(t, k.catchUp())
	assert.Equal(t, map[string]string{"ha.stdout.4.log": "boot's events", "ha.stderr.4.log": "boot's stderr",
		"lima.yaml": "vmType: qemu\n", pendingFile: "4\n"}, tree(t, k.store))
	write(t, k.dpath("ha.stdout.log"), "")
	require.NoError(t, k.settle())
	assert.Equal(t, "boot's stderr", readFile(t, k.dpath("ha.stderr.4.log")))
	assert.Equal(t, "boot's events", readFile(t, k.dpath("ha.stdout.4.log")))
}

// A log the new boot's driver has already written to (appended to, truncated) is not taken for
// the last boot's: it stays active, and the pending generation leaves it out.
func TestLogTakenByTheNewBootStays(t *testing.T) {
	k := testKeeper(t, true)
	if _, ok := birthTime(k.dir); !ok {
		testutil.MissingPrerequisite(t, "a filesystem that records birth times for %s (ext4, xfs, btrfs, tmpfs, APFS)", k.dir)
	}
	write(t, k.dpath("driver.stderr.log"), "boot 1\n")
	write(t, k.dpath("ha.stdout.log"), "{}\n")
	require.NoError(t, k.settle()) // linked
	require.NoError(t, os.Remove(k.dpath("ha.stdout.log")))
	write(t, k.dpath("ha.stdout.log"), "") // the new boot's
	f, err := os.OpenFile(k.dpath("driver.stderr.log"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("boot 2\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	later := time.Now().Add(time.Minute) // written after ha.stdout.log was made, whatever the clock's grain
	require.NoError(t, os.Chtimes(k.dpath("driver.stderr.log"), later, later))
	require.NoError(t, k.signal())
	require.NoError(t, k.settle())
	assert.Equal(t, "boot 1\nboot 2\n", readFile(t, k.dpath("driver.stderr.log")), "left in place")
	assert.NoFileExists(t, k.dpath("driver.stderr.1.log"))
	assert.Equal(t, "{}\n", readFile(t, k.dpath("ha.stdout.1.log")))
	assert.Equal(t, "boot 1\nboot 2\n", readFile(t, k.spath("driver.stderr.log")), "still linked as the current one")
}

// Retention of the store: links of generations the directory no longer has beyond --max-backups
// go, and a plain link once the directory holds only its compressed form.
func TestStoreRetention(t *testing.T) {
	k := testKeeper(t, false)
	for _, n := range []string{"1", "2", "3", "4"} {
		write(t, k.spath("serial."+n+".log"), "boot "+n)
	}
	write(t, k.dpath("serial.4.log.gz"), "gz of 4")
	require.NoError(t, os.Link(k.dpath("serial.4.log.gz"), k.spath("serial.4.log.gz")))
	k.retain()
	assert.Equal(t, map[string]string{"serial.2.log": "boot 2", "serial.3.log": "boot 3", "serial.4.log.gz": "gz of 4"}, tree(t, k.store))
}

func TestDeletedAndMadeAgainWhileNotRunning(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.dpath("serial.log"), "old instance")
	require.NoError(t, k.settle())
	require.NoError(t, os.RemoveAll(k.dir))
	require.NoError(t, os.Mkdir(k.dir, 0o755))
	write(t, k.dpath("serial.log"), "new instance")
	require.NoError(t, k.open())
	sets := testutil.DirNames(t, k.setsDir)
	require.Len(t, sets, 1)
	assert.Equal(t, "old instance", readFile(t, filepath.Join(k.setsDir, sets[0], "serial.log")))
	require.NoError(t, k.catchUp())
	assert.Equal(t, map[string]string{"serial.log": "new instance"}, tree(t, k.store))
}

// Lost events (an inotify queue overflow): the agent catches up from the files.
func TestRescanAfterLostEvents(t *testing.T) {
	home := t.TempDir()
	write(t, filepath.Join(home, "placeholder"), "")
	log := logrus.New()
	log.SetOutput(&testutil.Buffer{})
	a := &agent{cfg: Config{MaxBackups: 5, KeepLogs: true, Log: log, CatchUpDelay: time.Millisecond}}
	defer a.close()
	homes, err := Check(Config{Homes: []string{home}, MaxBackups: 5})
	require.NoError(t, err)
	h, err := a.lockHome(homes[0])
	require.NoError(t, err)
	a.homes = append(a.homes, h)
	a.w, err = fsnotify.NewWatcher()
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(home, "gone"), 0o755))
	write(t, filepath.Join(home, "gone", "serial.log"), "kept")
	h.start(a)
	h.waitReady()
	waitFor(t, "the link", func() bool { return exists(filepath.Join(h.Store, "gone", "serial.log")) })
	// Events lost: one instance deleted, one made.
	require.NoError(t, os.RemoveAll(filepath.Join(home, "gone")))
	require.NoError(t, os.Mkdir(filepath.Join(home, "made"), 0o755))
	write(t, filepath.Join(home, "made", "serial.log"), "new")
	a.watchError(fsnotify.ErrEventOverflow)
	a.watchError(os.ErrPermission) // only logged
	assert.Equal(t, []string{"made"}, h.instanceNames())
	sets := testutil.DirNames(t, filepath.Join(home, "_logkeep", "gone"))
	require.Len(t, sets, 1)
	assert.Equal(t, "kept", readFile(t, filepath.Join(home, "_logkeep", "gone", sets[0], "serial.log")))
	waitFor(t, "the new instance's link", func() bool { return exists(filepath.Join(h.Store, "made", "serial.log")) })
}

// Stores of instances renamed or deleted while the agent was not running.
func TestAdoptStoresAtStart(t *testing.T) {
	home := t.TempDir()
	for _, name := range []string{"old", "deleted"} {
		require.NoError(t, os.Mkdir(filepath.Join(home, name), 0o755))
		write(t, filepath.Join(home, name, "serial.log"), name)
	}
	a := startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	store := filepath.Join(home, "_logkeep", ".agent")
	waitFor(t, "the links", func() bool {
		return exists(filepath.Join(store, "old", "serial.log")) && exists(filepath.Join(store, "deleted", "serial.log"))
	})
	a.stop(t)
	require.NoError(t, os.Rename(filepath.Join(home, "old"), filepath.Join(home, "new")))
	require.NoError(t, os.RemoveAll(filepath.Join(home, "deleted")))
	startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	assert.Equal(t, "old", readFile(t, filepath.Join(store, "new", "serial.log")))
	assert.NoDirExists(t, filepath.Join(store, "old"))
	assert.NoDirExists(t, filepath.Join(store, "deleted"))
	sets := testutil.DirNames(t, filepath.Join(home, "_logkeep", "deleted"))
	require.Len(t, sets, 1)
	assert.Equal(t, "deleted", readFile(t, filepath.Join(home, "_logkeep", "deleted", sets[0], "serial.log")))
}

// The agent was not running during a whole boot (k) and starts while boot k+1 starts: boot k-1's
// logs, which its store links, become one generation, and boot k's console, which it never saw,
// the next one.
func TestCatchUpStartAfterAWholeBootUnseen(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.spath("ha.stdout.log"), "boot k-1 events") // removed from the directory by boot k's start
	write(t, k.spath("ha.stderr.log"), "boot k-1 stderr")
	write(t, k.dpath("serial.log"), "boot k console") // never linked
	write(t, k.dpath("ha.stdout.log"), "")            // boot k+1's, starting
	write(t, k.dpath("ha.stderr.log"), "")
	k.s.startInProgress = func(string, time.Time) bool { return true }
	require.NoError(t, k.catchUp())
	assert.Equal(t, map[string]string{"lima.yaml": "vmType: qemu\n", "ha.stdout.1.log": "boot k-1 events", "ha.stderr.1.log": "boot k-1 stderr",
		"serial.2.log": "boot k console", "ha.stdout.log": "", "ha.stderr.log": ""}, tree(t, k.dir))
	assert.Equal(t, tree(t, k.dir), tree(t, k.store), "the store links all of it")
}

func TestFindWithoutFileIdentities(t *testing.T) {
	k := testKeeper(t, false)
	write(t, k.dpath("serial.log"), "x")
	d, err := readFiles(k.dir)
	require.NoError(t, err)
	fi := d.m["serial.log"]
	d.ids = nil // as on Windows
	name, ok := d.find(fi)
	assert.True(t, ok)
	assert.Equal(t, "serial.log", name)
	other, err := os.Lstat(k.dpath("lima.yaml"))
	require.NoError(t, err)
	delete(d.m, "lima.yaml")
	_, ok = d.find(other)
	assert.False(t, ok)
}

// A directory that cannot be written (permission denied) is an error the agent reports and
// recovers from once it can: nothing is lost meanwhile.
func TestPermissionFaultsLoseNothing(t *testing.T) {
	testutil.RequireNonRoot(t)
	k := testKeeper(t, false)
	k.s.MaxBackups = 1
	write(t, k.dpath("serial.log"), "boot 1")
	write(t, k.dpath("ha.stdout.log"), "{} 1")
	require.NoError(t, os.Chmod(k.store, 0o500))
	assert.Error(t, k.settle(), "the store cannot be written: not linked")
	require.NoError(t, os.Chmod(k.store, 0o700))
	require.NoError(t, k.settle())
	assert.Equal(t, "boot 1", readFile(t, k.spath("serial.log")))

	// A start: Lima removes ha.stdout.log, but the directory cannot be written by the agent.
	require.NoError(t, os.Remove(k.dpath("ha.stdout.log")))
	write(t, k.dpath("ha.stdout.log"), "")
	require.NoError(t, os.Chmod(k.dir, 0o500))
	require.NoError(t, k.signal(), "what cannot be moved is logged")
	require.NoError(t, k.settle(), "the pending generation waits")
	require.NoError(t, os.Chmod(k.dir, 0o755))
	assert.Equal(t, "boot 1", readFile(t, k.dpath("serial.log")), "left in place")
	require.NoError(t, k.settle())
	assert.Equal(t, "{} 1", readFile(t, k.dpath("ha.stdout.1.log")))
	assert.Equal(t, "boot 1", readFile(t, k.dpath("serial.1.log")), "still the last boot's, made generation 1 by the hooks' rule")

	// Pruning that cannot be done (the generation to prune cannot be removed) is reported.
	require.NoError(t, os.Remove(k.dpath("ha.stdout.log")))
	write(t, k.dpath("ha.stdout.log"), "")
	require.NoError(t, k.signal())
	require.NoError(t, os.Chmod(k.dir, 0o500))
	require.NoError(t, k.settle())
	require.NoError(t, os.Chmod(k.dir, 0o755))
	require.NoError(t, k.settle())
	assert.FileExists(t, k.dpath("ha.stdout.2.log"))
}

func TestCheckResolvesHomesAndLogsDirs(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "lima")
	require.NoError(t, os.Symlink(real, link))
	homes, err := Check(Config{Homes: []string{link}, MaxBackups: 1, LogsDir: filepath.Join(real, "a", "b", "logs")})
	require.NoError(t, err)
	require.Len(t, homes, 1)
	assert.Equal(t, real, homes[0].Dir, "a symbolic link to the home is resolved, as Lima resolves LIMA_HOME")
	assert.Equal(t, filepath.Join(real, "a", "b", "logs", ".agent"), homes[0].Store)
	assert.Equal(t, []string{}, append([]string{}, testutil.DirNames(t, real)...), "nothing made")
	_, err = Check(Config{Homes: []string{real}})
	assert.ErrorContains(t, err, "--max-backups must be at least 1")
	_, err = Check(Config{Homes: []string{real}, KeepLogs: true})
	assert.NoError(t, err, "with keep-logs nothing is pruned")
	_, err = Check(Config{})
	assert.ErrorContains(t, err, "no Lima home")
	assert.Equal(t, filepath.Join("l", ".agent"), StoreDir("l"))
}

func TestConfigurationLinkFollowsANewLimaYAML(t *testing.T) {
	k := testKeeper(t, true)
	require.NoError(t, k.settle())
	assert.Equal(t, "vmType: qemu\n", readFile(t, k.spath("lima.yaml")))
	// `limactl edit` may write a new file in its place.
	write(t, k.dpath("lima.yaml.new"), "vmType: qemu\ncpus: 4\n")
	require.NoError(t, os.Rename(k.dpath("lima.yaml.new"), k.dpath("lima.yaml")))
	require.NoError(t, k.settle())
	assert.Equal(t, "vmType: qemu\ncpus: 4\n", readFile(t, k.spath("lima.yaml")))
	assert.Equal(t, map[string]string{"lima.yaml": "vmType: qemu\ncpus: 4\n"}, tree(t, k.store))
}

func TestReadStateOfABrokenFile(t *testing.T) {
	logs := t.TempDir()
	require.NoError(t, os.MkdirAll(StoreDir(logs), 0o700))
	write(t, filepath.Join(StoreDir(logs), stateFileName), "{not json")
	_, _, err := ReadState(logs)
	assert.ErrorContains(t, err, stateFileName)
}

// An instance directory moved out of the home is gone from it: its kept logs are preserved.
func TestInstanceMovedOutOfTheHome(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(home, "vm"), 0o755))
	write(t, filepath.Join(home, "vm", "serial.log"), "boot 1")
	a := startAgent(t, Config{Homes: []string{home}, KeepLogs: true})
	waitFor(t, "the link", func() bool { return exists(filepath.Join(home, "_logkeep", ".agent", "vm", "serial.log")) })
	require.NoError(t, os.Rename(filepath.Join(home, "vm"), filepath.Join(t.TempDir(), "vm")))
	waitFor(t, "the preserved set", func() bool { return !exists(filepath.Join(home, "_logkeep", ".agent", "vm")) })
	sets := testutil.DirNames(t, filepath.Join(home, "_logkeep", "vm"))
	require.Len(t, sets, 1)
	assert.Equal(t, "boot 1", readFile(t, filepath.Join(home, "_logkeep", "vm", sets[0], "serial.log")))
	// Files and directories that are not instances come and go unnoticed.
	write(t, filepath.Join(home, "notes.txt"), "x")
	require.NoError(t, os.Mkdir(filepath.Join(home, "_networks"), 0o755))
	require.NoError(t, os.Remove(filepath.Join(home, "notes.txt")))
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, []string{"_agent.lock", "_state.json"}, testutil.DirNames(t, filepath.Join(home, "_logkeep", ".agent")))
	assert.NotContains(t, a.log.String(), "level=error")
}

func TestUnwritableLogsDirIsOneLine(t *testing.T) {
	testutil.RequireNonRoot(t)
	home := t.TempDir()
	logs := filepath.Join(home, "_logkeep")
	require.NoError(t, os.Mkdir(logs, 0o500))
	t.Cleanup(func() { os.Chmod(logs, 0o700) })
	err := Run(t.Context(), Config{Homes: []string{home}, MaxBackups: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(logs, ".agent"))
	assert.NotContains(t, err.Error(), "\n")
	_, _, err = ReadState(logs)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// The agent restarts after a start's host agent is up but before its driver replaced the
// consoles (QEMU does ~250 ms later): the consoles, untouched since the new ha.stdout.log, are the
// last boot's, with its host agent logs: one generation, whole.
func TestCatchUpAfterTheHostAgentIsUp(t *testing.T) {
	k := testKeeper(t, true)
	if _, ok := birthTime(k.dir); !ok {
		testutil.MissingPrerequisite(t, "a filesystem that records birth times for %s", k.dir)
	}
	for name, content := range map[string]string{"ha.stdout.log": "boot 6 events", "ha.stderr.log": "boot 6 stderr",
		"serial.log": "boot 6 console", "serialv.log": "boot 6 virtio"} {
		write(t, k.dpath(name), content)
	}
	require.NoError(t, k.settle())
	time.Sleep(20 * time.Millisecond)                                 // a later clock tick for the new boot's files
	for _, name := range []string{"ha.stdout.log", "ha.stderr.log"} { // Lima's start, the agent not running
		require.NoError(t, os.Remove(k.dpath(name)))
		write(t, k.dpath(name), "boot 7 "+name)
	}
	require.NoError(t, k.catchUp()) // startInProgress is false: the host agent is up
	require.NoError(t, k.settle())
	assert.Equal(t, map[string]string{"lima.yaml": "vmType: qemu\n", "ha.stdout.log": "boot 7 ha.stdout.log", "ha.stderr.log": "boot 7 ha.stderr.log",
		"ha.stdout.1.log": "boot 6 events", "ha.stderr.1.log": "boot 6 stderr", "serial.1.log": "boot 6 console", "serialv.1.log": "boot 6 virtio"},
		tree(t, k.dir))
}

// A preserved set that cannot be made (the instance's sets directory is a file) leaves every log
// in the store, whole, to be preserved at the next try.
func TestPreserveFailureKeepsTheStore(t *testing.T) {
	k := testKeeper(t, true)
	write(t, k.dpath("serial.log"), "boot 1")
	require.NoError(t, k.settle())
	require.NoError(t, os.RemoveAll(k.dir))
	require.NoError(t, os.MkdirAll(filepath.Dir(k.setsDir), 0o700))
	write(t, k.setsDir, "in the way")
	err := k.preserveAll()
	require.Error(t, err)
	assert.Contains(t, err.Error(), k.setsDir)
	assert.Equal(t, "boot 1", readFile(t, k.spath("serial.log")))
	require.NoError(t, os.Remove(k.setsDir))
	require.NoError(t, k.preserveAll())
	assert.NoDirExists(t, k.store)
	sets := testutil.DirNames(t, k.setsDir)
	require.Len(t, sets, 1)
	assert.Equal(t, map[string]string{"serial.log": "boot 1", "lima.yaml": "vmType: qemu\n"}, tree(t, filepath.Join(k.setsDir, sets[0])))
}

func TestInstalledFileUnreadable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the systemd unit's path")
	}
	config := t.TempDir()
	s := Service{Getenv: func(n string) string { return map[string]string{"XDG_CONFIG_HOME": config}[n] }}
	path, err := s.ServicePath()
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(path, 0o755)) // a directory where the unit goes
	_, _, _, err = s.Installed()
	assert.ErrorContains(t, err, path)
	_, err = Service{Program: "/x/limactl-logkeep", Getenv: s.Getenv}.Install(t.Context(), false, (&fakeRunner{}).run)
	assert.ErrorContains(t, err, path)
}
