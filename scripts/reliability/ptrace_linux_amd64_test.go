// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package reliability

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// mutating are the system calls that change files: killing the driver at the entry of each of
// them, one after the other, visits every state a crash can leave behind. openat counts only
// with O_CREAT; write only to a file (not to the driver's stdout and stderr).
var mutating = map[uint64]bool{
	syscall.SYS_WRITE: true, syscall.SYS_PWRITE64: true, syscall.SYS_WRITEV: true, syscall.SYS_OPENAT: true,
	syscall.SYS_RENAME: true, syscall.SYS_RENAMEAT: true, 316 /* renameat2 */ : true,
	syscall.SYS_UNLINK: true, syscall.SYS_UNLINKAT: true, syscall.SYS_RMDIR: true,
	syscall.SYS_MKDIR: true, syscall.SYS_MKDIRAT: true, syscall.SYS_FSYNC: true, syscall.SYS_FDATASYNC: true,
	syscall.SYS_FCHMOD: true, syscall.SYS_FCHMODAT: true, syscall.SYS_UTIMENSAT: true, syscall.SYS_FTRUNCATE: true,
	326 /* copy_file_range */ : true, syscall.SYS_SENDFILE: true, syscall.SYS_SPLICE: true,
	syscall.SYS_LINKAT: true, syscall.SYS_SYMLINKAT: true,
}

// errNoTrace means the driver could not be traced at all (ptrace not permitted here).
var errNoTrace = errors.New("cannot trace the driver with ptrace")

// killAtSyscall runs the driver in mode under ptrace(2) and kills it with SIGKILL at the entry of
// its k-th file-changing system call after it printed "ready" (k >= 1; k == 0 never kills). It
// returns how many such calls it saw and whether it killed the driver before it finished. The
// driver runs its operation on its main thread (driver_test.go locks it there), the only thread
// traced, so the sequence is the same on every run of the same layout.
func killAtSyscall(mode string, args driverArgs, k int) (seen int, killed bool, err error) {
	self, err := os.Executable()
	if err != nil {
		return 0, false, err
	}
	js, err := json.Marshal(args)
	if err != nil {
		return 0, false, err
	}
	runtime.LockOSThread() // every ptrace request must come from the tracing thread
	defer runtime.UnlockOSThread()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), driverEnv+"="+mode, driverArgsEnv+"="+string(js))
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil { // stdio is /dev/null: no goroutine waits on the child
		return 0, false, fmt.Errorf("%w: %w", errNoTrace, err)
	}
	pid := cmd.Process.Pid
	defer cmd.Process.Release()
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil || !ws.Stopped() {
		return 0, false, fmt.Errorf("%w: it did not stop after exec: %v %v", errNoTrace, err, ws)
	}
	const traceSysGood, exitKill = 0x1, 0x100000 // PTRACE_O_TRACESYSGOOD, PTRACE_O_EXITKILL
	if err := syscall.PtraceSetOptions(pid, traceSysGood|exitKill); err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
		syscall.Wait4(pid, &ws, syscall.WALL, nil)
		return 0, false, fmt.Errorf("%w: %w", errNoTrace, err)
	}
	ready, entering, sig := false, true, 0
	for {
		if err := syscall.PtraceSyscall(pid, sig); err != nil {
			return seen, false, fmt.Errorf("ptrace: %w", err)
		}
		sig = 0
		if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil {
			return seen, false, fmt.Errorf("wait: %w", err)
		}
		switch {
		case ws.Exited():
			if ws.ExitStatus() != 0 {
				return seen, false, fmt.Errorf("traced driver exited with status %d", ws.ExitStatus())
			}
			return seen, false, nil
		case ws.Signaled():
			return seen, false, fmt.Errorf("traced driver died of %v", ws.Signal())
		case !ws.Stopped():
			continue
		case ws.StopSignal() != syscall.SIGTRAP|0x80: // a signal for the driver: deliver it
			sig = int(ws.StopSignal())
			continue
		}
		isEntry := entering
		entering = !entering
		if !isEntry {
			continue
		}
		var regs syscall.PtraceRegs
		if err := syscall.PtraceGetRegs(pid, &regs); err != nil {
			return seen, false, fmt.Errorf("ptrace: %w", err)
		}
		nr := regs.Orig_rax
		switch {
		case nr == syscall.SYS_WRITE && (regs.Rdi == 1 || regs.Rdi == 2):
			ready = true // "ready" (or a message): the operation starts now
			continue
		case !ready || !mutating[nr]:
			continue
		case nr == syscall.SYS_OPENAT && regs.Rdx&syscall.O_CREAT == 0:
			continue
		}
		seen++
		if seen == k {
			syscall.Kill(pid, syscall.SIGKILL)
			for {
				if _, err := syscall.Wait4(pid, &ws, syscall.WALL, nil); err != nil || ws.Exited() || ws.Signaled() {
					return seen, true, err
				}
			}
		}
	}
}
