// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"context"
	"os"
	"syscall"
)

// caughtSignals are the console events Run ignores while limactl runs (see Run):
// Ctrl-C and Ctrl-Break arrive as os.Interrupt, a console close, logoff or
// shutdown as SIGTERM.
var caughtSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// relay does nothing on Windows: the console delivers its events to limactl itself.
func relay(*os.Process, os.Signal) {}

// execLimactl runs limactl as a child (see Exec) and exits with its exit code. It
// returns only when limactl cannot be started.
func execLimactl(l Limactl, argv, env []string) error {
	l.Env = env
	status, err := l.run(context.Background(), argv[1:])
	if err != nil {
		return err
	}
	os.Exit(status)
	return nil
}
