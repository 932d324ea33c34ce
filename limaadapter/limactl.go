// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

// Limactl runs the real limactl found by FindLimactl.
//
// The zero values of Stdin, Stdout, Stderr and Env mean the process' own, so a
// command run through Limactl sees the terminal, prompts and environment exactly
// as it would if the user had typed it.
type Limactl struct {
	Path   string    // absolute path of the real limactl
	Stdin  io.Reader // nil: os.Stdin
	Stdout io.Writer // nil: os.Stdout
	Stderr io.Writer // nil: os.Stderr
	Env    []string  // nil: os.Environ()
}

func (l Limactl) command(ctx context.Context, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, l.Path, args...) // argv[0] is l.Path itself (Lima puts its directory first in a plugin's PATH)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = l.Stdin, l.Stdout, l.Stderr
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	cmd.Env = l.Env
	return cmd
}

// Run runs limactl with args and standard streams passed through, and returns
// its exit status; a limactl killed by a signal yields 128+signal, as a shell
// reports it. The error is non-nil only when limactl could not be run.
//
// Signals are passed on without being delivered twice. limactl runs in this
// process' process group, so on Unix a signal the terminal sends to its
// foreground group (Ctrl-C's SIGINT, Ctrl-\'s SIGQUIT, Ctrl-Z's SIGTSTP) already
// reaches limactl. Run relays SIGTERM and SIGHUP always, and SIGINT and SIGQUIT
// only when this process is not in the foreground group of its controlling
// terminal (or has none), that is when they cannot have come from the keyboard.
// So a `kill -INT` aimed at this process alone while it runs in the terminal's
// foreground is not relayed; kill the process group (`kill -INT -PGID`) or send
// SIGTERM instead. SIGTSTP is never caught: the terminal stops both processes.
// While limactl runs, SIGINT, SIGQUIT, SIGTERM and SIGHUP do not end this
// process: Run waits for limactl and returns its status.
//
// On Windows a console's Ctrl-C, Ctrl-Break and close events reach every process
// attached to the console, limactl included, and Windows cannot send a process
// any other signal than a kill: Run relays nothing, and ignores those events
// while it waits for limactl.
func (l Limactl) Run(ctx context.Context, args ...string) (int, error) {
	status, err := l.run(ctx, args)
	if err != nil {
		return 0, fmt.Errorf("failed to run limactl %q: %w", l.Path, err)
	}
	return status, nil
}

// run is Run with errors not naming limactl.
func (l Limactl) run(ctx context.Context, args []string) (int, error) {
	cmd := l.command(ctx, args)
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, caughtSignals...) // before Start: none may end us while limactl runs
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-signals:
				relay(cmd.Process, sig)
			case <-done:
				return
			}
		}
	}()
	return ExitStatus(cmd.Wait())
}

// ExitStatus turns the error of exec.Cmd.Wait into the status a shell would report.
func ExitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return 0, err
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return exitErr.ExitCode(), nil
}

// Output runs limactl with args and returns its standard output. Its standard
// error is captured, and its last line is returned inside the error when
// limactl fails (the one limactl's fatal error is on), keeping the error one line.
func (l Limactl) Output(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := l.command(ctx, args)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("failed to run limactl %s: %w: %s", strings.Join(args, " "), err, lastLine(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// Exec hands the process over to limactl args. It returns only on failure.
//
// On Unix it replaces the current process (execve), so that terminal prompts,
// job control and signals behave exactly as with limactl itself, and its exit
// status is the process' status.
//
// On Windows, which cannot replace a process, it runs limactl as a child with the
// standard streams, environment and console passed through, ignoring the console's
// Ctrl-C and close events (limactl gets them too, as with Run), and then exits
// this process with limactl's exit code, without running deferred functions, as
// an exec would not either.
func (l Limactl) Exec(args ...string) error {
	env := l.Env
	if env == nil {
		env = os.Environ()
	}
	argv := append([]string{l.Path}, args...)
	if err := execLimactl(l, argv, env); err != nil {
		return fmt.Errorf("failed to run limactl %q: %w", l.Path, err)
	}
	return nil
}
