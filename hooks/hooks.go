// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package hooks is the lifecycle of limactl-logkeep: what happens to an
// instance's logs before `limactl start`, around `limactl restart`, before the
// other commands that may boot an instance (shell, edit, clone, rename), before
// `limactl delete` and before `limactl factory-reset`, and how a whole limactl
// command line is dispatched when limactl-logkeep stands in for limactl.
//
// Every hook of a limactl command ends by handing over to the real limactl, so
// Lima does its own work (driver clean-up, start-at-login entries, networks) and
// its own messages, prompts and exit status reach the user unchanged. Rotate,
// RotateBeforeBoot and the start-at-login set-up run no limactl command.
package hooks

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"limactl-logkeep/limaadapter"
)

// Lima is what the hooks need of Lima. limaadapter.Client implements it; tests
// use a fake.
type Lima interface {
	// Inspect returns the named instance, or an error wrapping
	// limaadapter.ErrNoInstance when it does not exist.
	Inspect(ctx context.Context, name string) (limaadapter.Instance, error)
	// Run runs the real limactl with args, standard streams passed through, and
	// returns its exit status.
	Run(ctx context.Context, args ...string) (int, error)
	// Exec hands the process over to the real limactl with args as the last step
	// of a command. The real implementation returns only on failure.
	Exec(args ...string) error
}

// Hooks runs the lifecycle with one configuration. Its zero value is not usable:
// Lima and Log must be set, MaxBackups must be at least 1 unless KeepLogs, and
// LogsDir must be set when KeepLogs is (Delete and FactoryReset preserve there).
type Hooks struct {
	Lima       Lima
	Log        logrus.FieldLogger
	LogsDir    string           // preserved sets go to LogsDir/<instance>/<set>
	MaxBackups int              // generations kept per instance by rotation
	KeepLogs   bool             // prune nothing; preserve logs on delete and factory-reset
	Strict     bool             // refuse to delete while any log could not be preserved
	Compress   bool             // gzip generations older than the newest at rotation
	Now        func() time.Time // nil: time.Now
	// StdoutTTY and StdinTTY report whether the process' standard output and
	// input are terminals (nil: they are not). Lima's --tty defaults to the
	// first, and a door such as `limactl shell` may then ask "start now?" (see
	// Door).
	StdoutTTY, StdinTTY func() bool
}

func (h Hooks) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}
