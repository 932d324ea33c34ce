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
	cmd := exec.CommandContext(ctx, l.Path, args...)
	cmd.Args[0] = l.Path
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

// Run runs limactl with args and standard streams passed through, relaying the
// signals this process receives (SIGINT, SIGTERM, SIGHUP, SIGQUIT) to it. It
// returns limactl's exit status; a limactl killed by a signal yields 128+signal, as
// a shell reports it. The error is non-nil only when limactl could not be run.
func (l Limactl) Run(ctx context.Context, args ...string) (int, error) {
	cmd := l.command(ctx, args)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("cannot run limactl %q: %w", l.Path, err)
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(signals)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-signals:
				_ = cmd.Process.Signal(sig)
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
// error is captured and returned inside the error when limactl fails.
func (l Limactl) Output(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := l.command(ctx, args)
	cmd.Stdin = nil
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("limactl %q failed: %w: %s", args, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.Bytes(), nil
}

// Exec replaces the current process with limactl args, so that terminal prompts,
// job control and signals behave exactly as with limactl itself, and its exit
// status is the process' status. It returns only on failure.
func (l Limactl) Exec(args ...string) error {
	env := l.Env
	if env == nil {
		env = os.Environ()
	}
	argv := append([]string{l.Path}, args...)
	if err := syscall.Exec(l.Path, argv, env); err != nil {
		return fmt.Errorf("cannot run limactl %q: %w", l.Path, err)
	}
	return nil
}
