// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"limactl-logkeep/logfile"
)

// The crash driver: the test binary started with driverEnv=preserve|rotate and the operation's
// arguments as JSON in driverArgsEnv. It locks the directory as limactl-logkeep does, prints
// "ready", runs the operation, prints "done <nanoseconds> <error or ok>" and exits. The test kills
// it with SIGKILL at a random moment after "ready". No production code knows about it.
const (
	driverEnv     = "LOGKEEP_REL_DRIVER"
	driverArgsEnv = "LOGKEEP_REL_ARGS"
)

// driverArgs are the arguments of one driver run.
type driverArgs struct {
	Dir        string   // preserve: the source directory; rotate: the rotated directory
	Dest       string   // preserve: the set parent directory
	Copy       []string // preserve: files copied into the set
	Names      []string // rotate: active log names
	MaxBackups int      // rotate
	KeepAll    bool     // rotate
	Compress   bool     // rotate
}

// init locks the driver's main goroutine, which runs the operation, to the main thread, the one
// killAtSyscall traces (an init function is the only place where that is guaranteed).
func init() {
	if os.Getenv(driverEnv) != "" {
		runtime.LockOSThread()
	}
}

// runDriver is the driver's main; it returns the exit status.
func runDriver(mode string) int {
	var a driverArgs
	if err := json.Unmarshal([]byte(os.Getenv(driverArgsEnv)), &a); err != nil {
		fmt.Fprintln(os.Stderr, "driver: bad arguments:", err)
		return 2
	}
	if mode != "preserve" && mode != "rotate" {
		fmt.Fprintln(os.Stderr, "driver: unknown mode", mode)
		return 2
	}
	var (
		err   error
		start time.Time
	)
	if lockErr := logfile.WithDirLock(a.Dir, func() error {
		fmt.Println("ready")
		start = time.Now()
		if mode == "preserve" {
			_, err = logfile.Preserve(a.Dir, a.Dest, logfile.PreserveOptions{Copy: a.Copy})
		} else {
			_, err = logfile.Rotate(a.Dir, logfile.RotateOptions{Names: a.Names, MaxBackups: a.MaxBackups,
				KeepAll: a.KeepAll, Compress: a.Compress})
		}
		return nil
	}); lockErr != nil {
		fmt.Fprintln(os.Stderr, "driver:", lockErr)
		return 2
	}
	outcome := "ok"
	if err != nil {
		outcome = strconv.Quote(err.Error())
	}
	fmt.Printf("done %d %s\n", time.Since(start).Nanoseconds(), outcome)
	if err != nil {
		return 3
	}
	return 0
}

// killOutcome is what became of one driver run.
type killOutcome struct {
	interrupted bool          // killed before the operation returned
	took        time.Duration // the operation's duration when it finished
	opErr       string        // the operation's error when it finished with one
}

// runAndKill starts the driver in mode with args, waits for "ready", sleeps delay and sends
// SIGKILL. A negative delay never kills: the run is waited for. It fails the test when the driver
// does not start or reports a broken run.
func runAndKill(t *testing.T, mode string, args driverArgs, delay time.Duration) killOutcome {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), driverEnv+"="+mode, driverArgsEnv+"="+string(js))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start the crash driver: %v", err)
	}
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		if !ok || line != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("crash driver did not get ready (got %q): %s", line, stderr.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("crash driver not ready after 60s: %s", stderr.String())
	}
	if delay >= 0 {
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
	}
	var done string
	for line := range lines {
		if strings.HasPrefix(line, "done ") {
			done = line
		}
	}
	werr := cmd.Wait()
	var o killOutcome
	if done == "" {
		ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("crash driver ended without finishing and without being killed (%v): %s", werr, stderr.String())
		}
		o.interrupted = true
		return o
	}
	fields := strings.SplitN(done, " ", 3)
	ns, _ := strconv.ParseInt(fields[1], 10, 64)
	o.took = time.Duration(ns)
	if len(fields) == 3 && fields[2] != "ok" {
		o.opErr, _ = strconv.Unquote(fields[2])
	}
	return o
}

// estimator predicts how long an operation takes, as fixed + perFile*files + perByte*bytes, from
// calibration runs, so that kill delays spread over the whole operation.
// Runs that finish before the kill correct a scale factor, as the calibration runs may have been
// slower or faster than the machine is now.
type estimator struct {
	fixed, perFile, perByte float64 // nanoseconds
	scale                   float64 // 0 means 1
}

func (e *estimator) predict(files int, bytes int64) time.Duration {
	if e.scale == 0 {
		e.scale = 1
	}
	return time.Duration(e.scale * (e.fixed + e.perFile*float64(files) + e.perByte*float64(bytes)))
}

// learn moves the scale towards took/predicted for a run that finished before its kill.
func (e *estimator) learn(took, predicted time.Duration) {
	if predicted <= 0 {
		return
	}
	ratio := float64(took) / float64(predicted)
	e.scale *= 0.8 + 0.2*ratio
	e.scale = min(max(e.scale, 0.05), 20)
}
