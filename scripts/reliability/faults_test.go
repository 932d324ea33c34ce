// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"limactl-logkeep/logfile"
)

// TestFaults provokes real filesystem faults under limactl-logkeep (the built binary) and checks
// each outcome: a clear error naming the path, a non-zero exit, nothing lost, and limactl not run
// where running it would destroy a log.
func TestFaults(t *testing.T) {
	bin := logkeepBin(t)
	ta := newTally(t, "4 faults: EACCES ENOSPC EXDEV EROFS vanish not-a-dir")
	defer func() { ta.done(ta.skippedNote("each: error names the path, exit != 0, nothing lost")) }()
	rng := newRNG(t)

	// logsOf writes the usual logs into dir and returns them.
	logsOf := func(t *testing.T, dir string, names ...string) map[string]original {
		logs := map[string]original{}
		for _, n := range names {
			logs[n] = writeLog(t, filepath.Join(dir, n), logSize(rng, n), 0o644, 0, rng)
		}
		return logs
	}

	ta.sub("EACCES: instance directory not writable, rotate and start", func(t *testing.T, tr *trial) {
		nonRoot(t)
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "ha.stderr.log")
		chmod(t, dir, 0o555)
		r := sb.run(t, bin, nil, "rotate", "vm")
		expectError(t, tr, r, filepath.Join(dir, "serial.log"), "permission denied")
		r = sb.run(t, bin, nil, "start", "vm")
		expectError(t, tr, r, filepath.Join(dir, "serial.log"), "--no-rotate")
		expectNoLimactl(t, tr, sb)
		chmod(t, dir, 0o755)
		expectIntact(tr, dir, logs)
	})

	ta.sub("EACCES: instance directory without search permission, start", func(t *testing.T, tr *trial) {
		nonRoot(t)
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "serial.1.log")
		chmod(t, dir, 0o644)
		r := sb.run(t, bin, nil, "start", "vm")
		expectError(t, tr, r, dir, "permission denied")
		expectNoLimactl(t, tr, sb)
		chmod(t, dir, 0o755)
		expectIntact(tr, dir, logs)
	})

	ta.sub("EACCES: logs directory not writable, delete --strict", func(t *testing.T, tr *trial) {
		nonRoot(t)
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "ha.stdout.log")
		require.NoError(t, os.Mkdir(sb.logs, 0o500))
		t.Cleanup(func() { os.Chmod(sb.logs, 0o700) })
		r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
		expectError(t, tr, r, filepath.Join(sb.logs, "vm"), "permission denied")
		expectNoLimactl(t, tr, sb)
		expectIntact(tr, dir, logs)
	})

	ta.sub("EACCES: unreadable log across filesystems, delete --strict", func(t *testing.T, tr *trial) {
		nonRoot(t)
		sb := newSandbox(t, shmDir(t))
		sb.env["LIMA_LOGKEEP_DIR"] = filepath.Join(t.TempDir(), "logs")
		requireOtherFS(t, sb.root, filepath.Dir(sb.env["LIMA_LOGKEEP_DIR"]))
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "ha.stderr.log", "serialv.log")
		chmod(t, filepath.Join(dir, "serial.log"), 0o000)
		r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
		expectError(t, tr, r, filepath.Join(dir, "serial.log"), "permission denied")
		expectNoLimactl(t, tr, sb)
		chmod(t, filepath.Join(dir, "serial.log"), 0o644)
		expectSomewhere(t, tr, dir, filepath.Join(sb.env["LIMA_LOGKEEP_DIR"], "vm"), logs)
	})

	ta.sub("ENOSPC: logs directory on a full tmpfs, delete --strict", func(t *testing.T, tr *trial) {
		small := fixtureDir(t, "LOGKEEP_SMALL_TMPFS")
		logsParent, err := os.MkdirTemp(small, "enospc-")
		if err != nil {
			missing(t, "cannot write to LOGKEEP_SMALL_TMPFS="+small+": "+err.Error())
		}
		t.Cleanup(func() { os.RemoveAll(logsParent) })
		var st syscall.Statfs_t
		require.NoError(t, syscall.Statfs(small, &st))
		free := int64(st.Bavail) * st.Bsize
		sb := newSandbox(t, "")
		sb.env["LIMA_LOGKEEP_DIR"] = filepath.Join(logsParent, "logs")
		dir := sb.instance(t, "vm", nil)
		logs := map[string]original{ // the error names the first log that failed: only serial.log can
			"ha.stderr.log": writeLog(t, filepath.Join(dir, "ha.stderr.log"), 100, 0o644, 0, rng),
			"serial.log":    writeLog(t, filepath.Join(dir, "serial.log"), free+(1<<20), 0o644, 0, rng),
		}
		r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
		expectError(t, tr, r, filepath.Join(dir, "serial.log"), "no space left on device")
		expectNoLimactl(t, tr, sb)
		expectSomewhere(t, tr, dir, filepath.Join(sb.env["LIMA_LOGKEEP_DIR"], "vm"), logs)
	})

	ta.sub("ENOSPC: instance on a full tmpfs, gzip of an old generation fails, rotate --compress", func(t *testing.T, tr *trial) {
		small := fixtureDir(t, "LOGKEEP_SMALL_TMPFS")
		parent, err := os.MkdirTemp(small, "enospc-gz-")
		if err != nil {
			missing(t, "cannot write to LOGKEEP_SMALL_TMPFS="+small+": "+err.Error())
		}
		t.Cleanup(func() { os.RemoveAll(parent) })
		sb := newSandbox(t, parent)
		dir := sb.instance(t, "vm", nil)
		var st syscall.Statfs_t
		require.NoError(t, syscall.Statfs(small, &st))
		// Random data does not compress: the gzip copy of serial.1.log cannot fit next to it.
		old := writeLog(t, filepath.Join(dir, "serial.1.log"), int64(st.Bavail)*st.Bsize*2/3, 0o644, 1, rng)
		active := writeLog(t, filepath.Join(dir, "serial.log"), 1000, 0o644, 2, rng)
		r := sb.run(t, bin, nil, "--compress", "rotate", "vm")
		expectError(t, tr, r, filepath.Join(dir, "serial.1.log"), "no space left on device")
		expectIntact(tr, dir, map[string]original{"serial.1.log": old, "serial.2.log": active})
		for _, name := range listDir(t, dir) {
			if tempName.MatchString(name) || strings.HasSuffix(name, ".gz") {
				tr.fail("left behind: %s", name)
			}
		}
	})

	for _, dir := range []string{"tmpfs -> disk", "disk -> tmpfs"} {
		ta.sub("EXDEV: preserve across filesystems, "+dir, func(t *testing.T, tr *trial) {
			shm, disk := shmDir(t), t.TempDir()
			if dir == "disk -> tmpfs" {
				shm, disk = disk, shm
			}
			requireOtherFS(t, shm, disk)
			sb := newSandbox(t, shm)
			sb.env["LIMA_LOGKEEP_DIR"] = filepath.Join(disk, "logs")
			inst := sb.instance(t, "vm", nil)
			logs := logsOf(t, inst, "serial.log", "serial.1.log", "ha.stdout.log", "ha.stderr.log", "driver.stderr.log")
			logs["serialv.log"] = writeLog(t, filepath.Join(inst, "serialv.log"), 5<<20, 0o600, 0, rng)
			r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "vm")
			if r.status != 0 {
				tr.fail("exit %d: %s", r.status, r.stderr)
			}
			checkPreserved(t, tr, inst, filepath.Join(sb.env["LIMA_LOGKEEP_DIR"], "vm"), logs)
		})
	}

	ta.sub("EROFS: logs directory on a read-only mount, delete --strict", func(t *testing.T, tr *trial) {
		ro := fixtureDir(t, "LOGKEEP_READONLY_DIR")
		sb := newSandbox(t, "")
		sb.env["LIMA_LOGKEEP_DIR"] = filepath.Join(ro, "logs")
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "ha.stderr.log")
		r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
		expectError(t, tr, r, filepath.Join(ro, "logs"), "read-only file system")
		expectNoLimactl(t, tr, sb)
		expectIntact(tr, dir, logs)
	})

	ta.sub("EROFS: rotating and preserving logs on a read-only mount", func(t *testing.T, tr *trial) {
		ro := fixtureDir(t, "LOGKEEP_READONLY_DIR")
		src := filepath.Join(ro, "subdir")
		before := snapshot(t, ro, nil)
		var err error
		require.NoError(t, logfile.WithDirLock(src, func() error {
			_, err = logfile.Rotate(src, logfile.RotateOptions{Names: activeNames, MaxBackups: 5})
			return nil
		}))
		if !errors.Is(err, syscall.EROFS) || !strings.Contains(fmt.Sprint(err), filepath.Join(src, "serial.log")) {
			tr.fail("Rotate on a read-only mount: got %v, want EROFS naming %s", err, filepath.Join(src, "serial.log"))
		}
		dest := filepath.Join(t.TempDir(), "vm")
		res, err := logfile.Preserve(src, dest, logfile.PreserveOptions{})
		if !errors.Is(err, syscall.EROFS) || !strings.Contains(fmt.Sprint(err), filepath.Join(src, "serial.log")) {
			tr.fail("Preserve from a read-only mount: got %v, want EROFS naming %s", err, filepath.Join(src, "serial.log"))
		}
		for _, d := range diffSnapshots(before, snapshot(t, ro, nil)) {
			tr.fail("read-only mount changed?! %s", d)
		}
		// The copy is complete (the source could not be removed): it must be identical.
		if res.Dir != "" {
			want, _ := digestFile(filepath.Join(src, "serial.log"), false)
			if got, err := digestFile(filepath.Join(res.Dir, "serial.log"), false); err == nil && got != want {
				tr.fail("the copy of serial.log in %s differs from the original", res.Dir)
			}
		}
	})

	ta.sub("vanish: a log removed between listing and moving, delete --strict", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		logs := logsOf(t, dir, "serial.log", "ha.stdout.log", "ha.stderr.log")
		sets := filepath.Join(sb.logs, "vm")
		require.NoError(t, os.MkdirAll(sets, 0o700))
		// Holding the lock of the sets directory stops limactl-logkeep right after it listed
		// the logs and before it moves them (Preserve takes that lock in between).
		cmd := exec.Command(bin, "delete", "--strict", "vm")
		cmd.Env = sb.environ([]string{"RDD_KEEP_LOGS=1"})
		var stderr strings.Builder
		cmd.Stderr = &stderr
		vanished := filepath.Join(dir, "ha.stdout.log")
		var waited bool
		require.NoError(t, logfile.WithDirLock(sets, func() error {
			require.NoError(t, cmd.Start())
			waited = waitForLockWaiter(t, sets, cmd.Process.Pid)
			require.NoError(t, os.Remove(vanished))
			return nil
		}))
		delete(logs, "ha.stdout.log") // removed by "someone else": not limactl-logkeep's loss
		err := cmd.Wait()
		if !waited {
			tr.fail("limactl-logkeep never waited for the lock of %s", sets)
		}
		r := result{args: cmd.Args, stderr: stderr.String()}
		if r.status, err = exitStatus(err); err != nil {
			tr.fail("%v", err)
		}
		expectError(t, tr, r, vanished, "no such file")
		expectNoLimactl(t, tr, sb)
		expectSomewhere(t, tr, dir, sets, logs)
	})

	ta.sub("vanish: a log removed and recreated while rotating, 100 rotations", func(t *testing.T, tr *trial) {
		sb := newSandbox(t, "")
		dir := sb.instance(t, "vm", nil)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // someone else's file, appearing and vanishing all the time
			defer close(done)
			path := filepath.Join(dir, "serialv.log")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				os.WriteFile(path, []byte("flicker "+strconv.Itoa(i)+"\n"), 0o644)
				os.Remove(path)
			}
		}()
		history := map[string]original{}
		hits := 0
		for n := 1; n <= 100; n++ {
			for _, b := range []string{"serial", "ha.stderr"} {
				history[fmt.Sprintf("%s.%d.log", b, n)] = writeLog(t, filepath.Join(dir, b+".log"), logSize(rng, b), 0o644, n, rng)
			}
			r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "rotate", "vm")
			if r.status != 0 {
				tr.fail("rotate %d: exit %d: %s", n, r.status, r.stderr)
			}
			if strings.Contains(r.stderr, "vanished") {
				hits++
			}
		}
		t.Logf("serialv.log vanished between listing and renaming in %d of 100 rotations", hits)
		close(stop)
		<-done
		for _, name := range listDir(t, dir) {
			if strings.HasPrefix(name, "serialv.") {
				os.Remove(filepath.Join(dir, name)) // the flickering file's generations
			}
		}
		checkGenerations(t, tr, dir, history)
	})

	for _, c := range []struct{ name, path string }{{"logs directory", ""}, {"logs directory of the instance", "vm"}} {
		ta.sub("not a directory: the "+c.name+" is a symlink to a directory elsewhere, delete --strict", func(t *testing.T, tr *trial) {
			sb := newSandbox(t, "")
			dir := sb.instance(t, "vm", nil)
			logs := logsOf(t, dir, "serial.log", "ha.stderr.log")
			link := filepath.Join(sb.logs, c.path)
			elsewhere := filepath.Join(sb.outside, "elsewhere")
			require.NoError(t, os.MkdirAll(elsewhere, 0o700))
			require.NoError(t, os.MkdirAll(filepath.Dir(link), 0o700))
			require.NoError(t, os.RemoveAll(link))
			require.NoError(t, os.Symlink(elsewhere, link))
			r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
			expectError(t, tr, r, link, "symbolic link")
			expectNoLimactl(t, tr, sb)
			expectIntact(tr, dir, logs)
			if names := listDir(t, elsewhere); len(names) != 0 {
				tr.fail("the symlink was followed: %s holds %q", elsewhere, names)
			}
			expectLink(tr, link, elsewhere)
		})
		ta.sub("not a directory: the "+c.name+" is a file, delete --strict", func(t *testing.T, tr *trial) {
			sb := newSandbox(t, "")
			dir := sb.instance(t, "vm", nil)
			logs := logsOf(t, dir, "serial.log", "ha.stderr.log")
			file := filepath.Join(sb.logs, c.path)
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o700))
			require.NoError(t, os.WriteFile(file, []byte("a file, not a directory\n"), 0o600))
			r := sb.run(t, bin, []string{"RDD_KEEP_LOGS=1"}, "delete", "--strict", "vm")
			expectError(t, tr, r, file, "")
			expectNoLimactl(t, tr, sb)
			expectIntact(tr, dir, logs)
			if b, err := os.ReadFile(file); err != nil || string(b) != "a file, not a directory\n" {
				tr.fail("%s changed: %q %v", file, b, err)
			}
		})
	}
}

// chmod changes a mode and restores a usable one when the test ends (so it can be cleaned up).
func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.Chmod(path, mode))
	t.Cleanup(func() { os.Chmod(path, 0o755) })
}

// exitStatus turns the error of exec.Cmd.Wait into an exit status.
func exitStatus(err error) (int, error) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		return exit.ExitCode(), nil
	}
	return 0, err
}

// waitForLockWaiter waits until process pid is blocked waiting for the flock of dir, as
// /proc/locks shows it ("->" lines), for at most 30 seconds.
func waitForLockWaiter(t *testing.T, dir string, pid int) bool {
	t.Helper()
	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(dir, &st))
	ino := ":" + strconv.FormatUint(st.Ino, 10)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		f, err := os.Open("/proc/locks")
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// "1: -> FLOCK  ADVISORY  WRITE 1234 00:2b:5678 0 EOF"
			if len(fields) >= 7 && fields[1] == "->" && fields[2] == "FLOCK" &&
				fields[5] == strconv.Itoa(pid) && strings.HasSuffix(fields[6], ino) {
				f.Close()
				return true
			}
		}
		f.Close()
		time.Sleep(5 * time.Millisecond)
	}
	return false
}
