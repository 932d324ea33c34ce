// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package limaadapter

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// caughtSignals are the signals Run catches while limactl runs (see Run).
var caughtSignals = []os.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP}

// relay passes sig on to p, except a SIGINT or SIGQUIT that the terminal has
// already sent to p (see Run).
func relay(p *os.Process, sig os.Signal) {
	if (sig == syscall.SIGINT || sig == syscall.SIGQUIT) && inTerminalForeground() {
		return
	}
	_ = p.Signal(sig)
}

// inTerminalForeground reports whether this process' group is the foreground
// process group of its controlling terminal, the group to which the terminal sends
// the signals of Ctrl-C, Ctrl-\ and Ctrl-Z. Without a controlling terminal
// (/dev/tty cannot be opened) it is false.
func inTerminalForeground() bool {
	fd, err := unix.Open("/dev/tty", unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp()
}

// execLimactl replaces the process with l.Path (execve).
func execLimactl(l Limactl, argv, env []string) error {
	return syscall.Exec(l.Path, argv, env)
}
