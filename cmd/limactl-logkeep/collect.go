// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"limactl-logkeep/history"
	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// progressThreshold is the bundle size from which collect shows progress on a
// terminal.
const progressThreshold = 32 << 20

func collectCommand() *cli.Command {
	return &cli.Command{
		Name:      "collect",
		Usage:     "bundle instances' logs, preserved sets and limactl --version into one .tar.gz, with a summary",
		ArgsUsage: "[INSTANCE...] -o FILE.tar.gz",
		Description: `Writes one gzipped tar archive for a bug report or a CI artifact. For each instance
(default: every instance in LIMA_HOME and every instance with preserved sets): lima.yaml,
the active and rotated logs (when the instance still exists) and its preserved sets (so a
deleted instance is collected from them). Compressed generations are stored decompressed.

Inside, under a directory named after FILE:
   SUMMARY.md               start here: per instance, per boot, its outcome (as 'boots'
                            tells it) and Lima's errors; for each boot that failed or ran
                            degraded, the last lines of its console and of ha.stderr.log;
                            what was left out, what --guest could not take, what --redact
                            replaced
   <instance>/instance/lima.yaml, serial.log, serial.1.log, ...
   <instance>/preserved/<set>/...
   <instance>/guest/...     with --guest
   limactl-version.txt      the output of 'limactl --version' (or why it failed)
   manifest.json            the last entry (format 2, lowerCamelCase keys): format, created,
                            limactlLogkeepVersion, limactlVersion, limactlVersionError,
                            instances [{name, instanceDir, preservedSets, boots [{dir, index,
                            generation, outcome, errors, errorsFrom, startedAt, runningAt,
                            endedAt, endedBy, secondsToRunning}]}], files [{path, source,
                            size, sha256, modified, gunzipped, redacted}], skipped [{source,
                            reason}], guestLogs [{instance, name, command, path, truncated,
                            missing}], redacted [{kind, placeholder, distinct, count}]

--guest: for each collected instance that is running, also the guest's own logs, as Lima's
CI and Finch take them: 'journalctl -b' (journal.log), /var/log/cloud-init-output.log and
dmesg, each through 'limactl shell' as root, bounded to 60 s and 16 MiB (a longer log is
cut and marked so). What a guest does not have, or an instance that is not running, is
listed in SUMMARY.md and the manifest, never fatal.

--redact: replaces, in every file of the bundle (the summary and manifest included), your
user name and home directory, IPv4/IPv6 and MAC addresses, the instances' host
ports (the ssh ports of their events, and any number written as a port: "port N", "-p N",
"ADDRESS:N"), SSH public keys (with a user@host comment) and private keys, and SSH key
fingerprints, by stable placeholders (<user>, <home>, <ip-1>, <port-2>, <ssh-key-1>, ...:
the same value, the same placeholder everywhere), and says in SUMMARY.md what it replaced.
The logs themselves are never changed (each redacted copy is staged in a temporary file in
TMPDIR, removed at the end). Check the bundle before you post it: a value in a form not
listed here (your host name, a secret in lima.yaml) is kept.

The archive is streamed (memory stays flat whatever the logs' size) to a temporary file
next to FILE, which becomes FILE (mode 0600) only once complete. An existing FILE is
refused unless --force. With -o - the archive goes to standard output, as with tar -f -
(its top directory is then limactl-logkeep-logs; the "Wrote ..." line goes to stderr; a
terminal is refused). A file or directory that cannot be read (a log, a preserved set, the logs
directory) is left out with a warning, listed under "skipped" in the manifest and in
SUMMARY.md, and the bundle is still written; the exit status is then 0, or 1 with --strict
(the bundle is written all the same: keep it as the CI artifact, fail the step). Progress
is shown on a terminal when the logs are large.

Examples:
   limactl logkeep collect -o lima-logs.tar.gz
   limactl logkeep collect myvm -o bug-1234.tar.gz --guest --redact
   limactl logkeep collect myvm -o - | ssh host 'cat > myvm-logs.tar.gz'
   RDD_KEEP_LOGS=1 limactl logkeep delete ci-vm && limactl logkeep collect ci-vm -o artifacts/ci-vm.tar.gz --strict`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the archive to write (required), e.g. logs.tar.gz; - for standard output"},
			&cli.BoolFlag{Name: "force", Usage: "replace FILE if it exists"},
			&cli.BoolFlag{Name: "guest", Usage: "also take each running guest's journal, cloud-init output and dmesg (limactl shell)"},
			&cli.BoolFlag{Name: "redact", Usage: "replace your user name, home, addresses, host ports and SSH keys in every file"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 when anything could not be read and was left out (the bundle is still written)"},
		},
		BashComplete: completeInstances(true),
		Action:       collectAction,
	}
}

// stdoutName is the -o FILE that means standard output, as for tar -f.
const stdoutName = "-"

func collectAction(c *cli.Context) error {
	names, ok, err := positionalArgs(c)
	if !ok || err != nil {
		return err
	}
	out, err := collectOutput(c)
	if err != nil {
		return err
	}
	store, err := newStore(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var m history.Manifest
	var size int64
	outcome := "nothing was written to " + out
	if out == stdoutName {
		outcome = "the archive on standard output is incomplete"
		m, size, err = streamBundle(ctx, c, store, names, os.Stdout)
	} else {
		m, err = writeBundle(ctx, c, store, names, out)
	}
	if errors.Is(err, context.Canceled) {
		return cli.Exit("collect: interrupted; "+outcome, 130)
	} else if errors.Is(err, history.ErrChanged) {
		return exitFor(fmt.Errorf("collect: %w; %s: run collect again", err, outcome))
	} else if err != nil {
		return exitFor(fmt.Errorf("collect: %w; %s", err, outcome))
	}
	report := os.Stdout
	if out == stdoutName {
		report, out = os.Stderr, "the archive to standard output" // stdout holds the archive alone
	} else if fi, _ := os.Stat(out); fi != nil {
		size = fi.Size()
	}
	fmt.Fprintf(report, "Wrote %s: %d %s of %d %s, %s\n", out, len(m.Files), plural(len(m.Files), "file", "files"),
		len(m.Instances), plural(len(m.Instances), "instance", "instances"), humanSize(size))
	if n := len(m.Skipped); n > 0 && c.Bool("strict") {
		return cli.Exit(fmt.Sprintf("collect: --strict: %d unreadable file(s) or directories left out of the bundle; see skipped in its manifest.json", n), 1)
	}
	return nil
}

// collectOutput returns the absolute path of -o FILE, checking that it is not a
// directory and, without --force, that it does not exist.
func collectOutput(c *cli.Context) (string, error) {
	out := c.String("output")
	if out == "" {
		return "", cli.Exit("collect: say where to write the bundle with -o FILE.tar.gz (or -o - for standard output)", 2)
	}
	if out == stdoutName {
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return "", cli.Exit("collect: refusing to write the archive to a terminal; redirect standard output, or give -o FILE.tar.gz", 2)
		}
		return out, nil
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return "", exitFor(err)
	}
	if fi, err := os.Lstat(out); err == nil {
		switch {
		case fi.IsDir():
			return "", cli.Exit(fmt.Sprintf("collect: %s is a directory; give a file name, e.g. %s", out, filepath.Join(out, "lima-logs.tar.gz")), 1)
		case !c.Bool("force"):
			return "", cli.Exit(fmt.Sprintf("collect: %s already exists; choose another name, or add --force to replace it", out), 1)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", exitFor(fmt.Errorf("collect: cannot check %s: %w", out, err))
	}
	return out, nil
}

// writeBundle writes the bundle of names to out atomically: out appears whole
// or, on any error, not at all (an existing out is replaced only with --force).
func writeBundle(ctx context.Context, c *cli.Context, store history.Store, names []string, out string) (history.Manifest, error) {
	log, _ := newLogger(c)
	file, err := logfile.CreateAtomic(out)
	if err != nil {
		return history.Manifest{}, fmt.Errorf("%w; check that the directory exists and is writable", err)
	}
	defer file.Abort()
	buf := bufio.NewWriterSize(file, 256<<10)
	progress := newProgress(os.Stderr)
	m, err := store.Collect(ctx, buf, collectOptions(ctx, c, names, bundlePrefix(out), progress, log))
	progress.done()
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		err = file.Commit(c.Bool("force"))
	}
	return m, err
}

// collectOptions are the options of a bundle of names under prefix, as the flags of c say.
func collectOptions(ctx context.Context, c *cli.Context, names []string, prefix string, progress *progress, log logrus.FieldLogger) history.CollectOptions {
	return history.CollectOptions{
		Instances:      names,
		Prefix:         prefix,
		LimactlVersion: func() (string, error) { return limactlVersion(ctx, c) },
		ToolVersion:    buildVersion(),
		Progress:       progress.update,
		Warn:           func(msg string) { log.Warn(msg) },
		GuestLogs:      guestLogs(c),
		Redact:         redaction(c),
	}
}

// streamBundle writes the bundle of names to w (standard output, for -o -) as it
// is made, and returns its manifest and size. On an error w holds an incomplete
// archive: nothing can take back what was written.
func streamBundle(ctx context.Context, c *cli.Context, store history.Store, names []string, w io.Writer) (history.Manifest, int64, error) {
	log, _ := newLogger(c)
	counted := &countingWriter{w: w}
	buf := bufio.NewWriterSize(counted, 256<<10)
	progress := newProgress(os.Stderr)
	m, err := store.Collect(ctx, buf, collectOptions(ctx, c, names, bundlePrefix(""), progress, log))
	progress.done()
	if err == nil {
		err = buf.Flush()
	}
	return m, counted.n, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}

// bundlePrefix names the archive's top directory after its file: "bug.tar.gz" -> "bug".
func bundlePrefix(out string) string {
	base := filepath.Base(out)
	for _, ext := range []string{".tar.gz", ".tgz", ".tar", ".gz"} {
		if p, ok := strings.CutSuffix(base, ext); ok {
			base = p
			break
		}
	}
	if base == "" || strings.HasPrefix(base, ".") {
		return "limactl-logkeep-logs"
	}
	return base
}

// limactlVersion returns the output of `limactl --version`.
func limactlVersion(ctx context.Context, c *cli.Context) (string, error) {
	path, err := findLimactl(c)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := limaadapter.Limactl{Path: path}.Output(ctx, "--version")
	return string(out), err
}

// progress shows collect's progress on a terminal, at most a few times a second,
// once the total is large enough to be worth it.
type progress struct {
	tty   *os.File
	last  time.Time
	shown bool
}

func newProgress(f *os.File) *progress {
	if !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{tty: f}
}

func (p *progress) update(done, total int64) {
	if p.tty == nil || total < progressThreshold || (time.Since(p.last) < 200*time.Millisecond && done < total) {
		return
	}
	p.last, p.shown = time.Now(), true
	fmt.Fprintf(p.tty, "\rcollect: %s of %s (%d%%)   ", humanSize(done), humanSize(total), done*100/max(total, 1))
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.tty)
	}
}

// Bounds of each guest log collect --guest reads.
const (
	guestLogLimit   = 16 << 20
	guestLogTimeout = 60 * time.Second
)

// guestLogs returns history.CollectOptions.GuestLogs for --guest (nil without it): each log of
// limaadapter.GuestLogSources read from a running instance with limactl shell.
func guestLogs(c *cli.Context) func(ctx context.Context, instance string) []history.GuestLog {
	if !c.Bool("guest") {
		return nil
	}
	find := lazyLimactl(c)
	lima := limaadapter.Inspector{FindLimactl: find}
	return func(ctx context.Context, instance string) []history.GuestLog {
		inst, err := lima.Inspect(ctx, instance)
		switch {
		case err != nil:
			return []history.GuestLog{{Missing: "cannot tell whether it runs: " + err.Error()}}
		case !inst.Running():
			return []history.GuestLog{{Missing: "the instance is not running (" + inst.Status + ")"}}
		}
		path, err := find()
		if err != nil {
			return []history.GuestLog{{Missing: err.Error()}}
		}
		var logs []history.GuestLog
		for _, src := range limaadapter.GuestLogSources {
			g := limaadapter.Limactl{Path: path}.ReadGuestLog(ctx, instance, src, guestLogLimit, guestLogTimeout)
			logs = append(logs, history.GuestLog{Name: src.Name, Command: g.Command, Data: g.Data, Truncated: g.Truncated, Missing: g.Missing})
		}
		return logs
	}
}

// redaction returns what --redact hides beyond what it recognises by form: this user's name
// and home directory (nil without --redact).
func redaction(c *cli.Context) *history.Redaction {
	if !c.Bool("redact") {
		return nil
	}
	r := &history.Redaction{}
	if u, err := user.Current(); err == nil {
		r.UserName = u.Username
		if i := strings.LastIndexByte(r.UserName, '\\'); i >= 0 { // Windows: DOMAIN\user
			r.UserName = r.UserName[i+1:]
		}
		r.HomeDir = u.HomeDir
	}
	if r.HomeDir == "" {
		r.HomeDir, _ = os.UserHomeDir()
	}
	return r
}
