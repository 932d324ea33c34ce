// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"time"
)

// GuestLogSource is one of a guest's own logs that `collect --guest` takes through
// `limactl shell`.
type GuestLogSource struct {
	Name   string // file name in the bundle, e.g. "dmesg.log"
	Script string // POSIX sh run in the guest; it exits with missingStatus when the log is not there
}

// missingStatus is the exit status a GuestLogSource's script gives when its log does not exist in
// that guest (as a shell says 127 for a command not found); its standard error says why.
const missingStatus = 127

// GuestLogSources are the guest logs that Lima's own CI (hack/test-templates.sh, diagnose) and
// Finch's support bundle take: the journal of this boot, cloud-init's output, and the kernel's
// ring buffer. Each is read as root (sudo, password-less in Lima's guests) and is simply missing
// where the guest has no such thing (a guest without systemd has no journalctl).
var GuestLogSources = []GuestLogSource{
	{Name: "journal.log", Script: `command -v journalctl >/dev/null 2>&1 || { echo "journalctl: not found" >&2; exit 127; }; exec sudo journalctl --no-pager -b`},
	{Name: "cloud-init-output.log", Script: `f=/var/log/cloud-init-output.log; [ -e "$f" ] || { echo "$f: no such file" >&2; exit 127; }; exec sudo cat "$f"`},
	{Name: "dmesg.log", Script: `command -v dmesg >/dev/null 2>&1 || { echo "dmesg: not found" >&2; exit 127; }; exec sudo dmesg`},
}

// GuestLog is what ReadGuestLog got of one source.
type GuestLog struct {
	Command   string // the command line that was run, to show in a bundle
	Data      []byte // its standard output, at most the limit
	Truncated bool   // the output went on past the limit (Data is its beginning)
	Missing   string // why nothing was taken ("" when Data is the log): not in the guest, or the command failed
}

// shellArgs are the arguments of `limactl shell` that run script in the guest of instance: from
// "/" (the host's working directory may not exist there), with sh, whatever the user's shell.
func shellArgs(instance, script string) []string {
	return []string{"shell", "--workdir", "/", instance, "sh", "-c", script}
}

// ReadGuestLog runs src's script in the guest of instance with `limactl shell` (both Lima
// versions have the same flags), with no standard input, for at most timeout, keeping at most
// limit bytes of its output (the command is stopped once it gives more). It never fails: a
// log the guest does not have, a command that fails or times out, or a limactl that cannot run
// is told in Missing.
func (l Limactl) ReadGuestLog(ctx context.Context, instance string, src GuestLogSource, limit int64, timeout time.Duration) GuestLog {
	args := shellArgs(instance, src.Script)
	g := GuestLog{Command: "limactl " + strings.Join(args[:4], " ") + " sh -c '" + src.Script + "'"}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := l.command(ctx, args)
	cmd.Stdin = nil
	out, errOut := &limitedBuffer{limit: limit, cancel: cancel}, &limitedBuffer{limit: 64 << 10}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	g.Data, g.Truncated = out.buf.Bytes(), out.over
	if g.Truncated {
		return g // stopped on purpose once past the limit
	}
	why := lastLine(errOut.buf.String())
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		g.Missing = "no answer within " + timeout.String()
	case errors.As(err, &exitErr) && exitErr.ExitCode() == missingStatus:
		g.Missing = "not in this guest: " + why
	case errors.As(err, &exitErr):
		g.Missing = "failed (" + exitErr.String() + "): " + why
	default:
		g.Missing = "cannot run limactl: " + err.Error()
	}
	if g.Missing != "" {
		g.Data = nil
	}
	return g
}

// lastLine returns the last non-empty line of s, or "no message".
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return last
	}
	return "no message"
}

// limitedBuffer keeps the first limit bytes written to it; past them it notes over and calls
// cancel (to stop the command), discarding the rest.
type limitedBuffer struct {
	buf    bytes.Buffer
	limit  int64
	over   bool
	cancel func()
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - int64(b.buf.Len()); int64(len(p)) > room {
		b.buf.Write(p[:max(room, 0)])
		if !b.over && b.cancel != nil {
			b.cancel()
		}
		b.over = true
		return len(p), nil
	}
	return b.buf.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
