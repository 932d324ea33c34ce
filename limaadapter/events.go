// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lima-vm/lima/v2/pkg/hostagent/events"
	"github.com/lima-vm/lima/v2/pkg/limatype/filenames"

	"limactl-logkeep/logfile"
)

// The outcomes of a boot, as BootOutcome.Result says them.
const (
	// OutcomeReady: the boot reached Lima's running state without errors.
	OutcomeReady = "ready"
	// OutcomeDegraded: it reached running, degraded (a requirement failed); Errors says which.
	OutcomeDegraded = "degraded"
	// OutcomeFailed: it never reached running: the host agent said exiting first, or its events
	// stop while no boot is in progress (the host agent died).
	OutcomeFailed = "failed"
	// OutcomeRunning: the current boot of an instance whose boot is in progress, after its running
	// event (without errors).
	OutcomeRunning = "running"
	// OutcomeBooting: the current boot of an instance whose boot is in progress, before its running
	// event.
	OutcomeBooting = "booting"
	// OutcomeUnknown: no event to read (no ha.stdout.log, or nothing in it that is an event).
	OutcomeUnknown = "unknown"
)

// Outcomes lists every word BootOutcome.Result can be, the ones worth looking for first.
var Outcomes = []string{OutcomeFailed, OutcomeDegraded, OutcomeReady, OutcomeRunning, OutcomeBooting, OutcomeUnknown}

// How a boot ended, as BootOutcome.EndedBy says it.
const (
	// EndedExiting: the host agent's last event said exiting (a stop, or a failure it noticed).
	EndedExiting = "exiting"
	// EndedCutOff: the events stop without an exiting event while no boot is in progress: the
	// host agent was killed, or the host went down.
	EndedCutOff = "cutOff"
)

// BootOutcome is how one boot went, read from its host agent's logs by ReadBootOutcome.
type BootOutcome struct {
	Result string // one of Outcomes
	// Errors are the errors of Lima's events (those of a degraded running event, or of the exiting
	// one). When a failed boot's events carry none, as when QEMU dies during the boot, they are
	// the host agent's last warning and error lines in ha.stderr.log, followed by its last
	// informational line when that came after them ("QEMU has already exited").
	Errors []string
	// ErrorsFrom says where Errors come from: ErrorsFromEvents, ErrorsFromStderr, or "" when none.
	ErrorsFrom string
	// Started is the time of the first event; zero when there is none.
	Started time.Time
	// Running is the time of the first event that said running; zero when none did.
	Running time.Time
	// Ended is the time of the last event of a boot that ended (EndedBy is not ""); zero otherwise.
	Ended time.Time
	// EndedBy is EndedExiting, EndedCutOff, or "" while the boot goes on or for an unknown one.
	EndedBy string
	// SSHLocalPorts are the host ports Lima forwarded to the guest's ssh in this boot's events.
	SSHLocalPorts []int
	// Skipped counts the lines of ha.stdout.log that are not events (garbage, or cut in the
	// middle by a crash); they are left out, never fatal.
	Skipped int
	// ReadError, when not nil, says why a log could not be read; what was read is used.
	ReadError error
}

// Where BootOutcome.Errors come from.
const (
	ErrorsFromEvents = "events"
	ErrorsFromStderr = "ha.stderr"
)

// HostAgentEventsLog and HostAgentLog are the short names of the host agent's two logs:
// ha.stdout.log holds its events, ha.stderr.log its own log (logrus JSON lines).
var (
	HostAgentEventsLog = LogBase(filenames.HostAgentStdoutLog)
	HostAgentLog       = LogBase(filenames.HostAgentStderrLog)
)

// BootInProgress reports whether the instance in dir has a boot in progress, so that its
// active logs are still being written and the outcome of its current boot is running or
// booting rather than final: its host agent is alive (HostAgentAlive), or a `limactl start`
// has begun and its host agent is not up yet (StartInProgress).
func BootInProgress(dir string) bool {
	return HostAgentAlive(dir) || StartInProgress(dir, time.Now())
}

// readers are the buffered readers of readEvents, reused: `boots` reads thousands of small files.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// maxEventLine bounds one line of ha.stdout.log; a longer one is skipped as garbage.
const maxEventLine = 1 << 20

// stderrTail is how much of the end of ha.stderr.log is searched for the problems of a failed
// boot (the host agent's last words come last).
const stderrTail = 128 << 10

// maxStderrProblems is how many warning and error lines of ha.stderr.log a failed boot reports.
const maxStderrProblems = 3

// ReadBootOutcome tells how a boot went from its host agent's logs: events, the path of its
// ha.stdout.log (generation or active, plain or ".gz"), and stderr, that of its ha.stderr.log;
// either may be "" when the boot has none. inProgress says these are the active logs of an
// instance whose boot is in progress (BootInProgress). Both Lima v2 and v1.2.1 events are read:
// they share the fields used here (time, running, degraded, exiting, errors, sshLocalPort).
//
// It never fails: lines that are not events are counted in Skipped, a final line still being
// written is left out, and a file that cannot be read gives what was read and ReadError.
// Nothing is changed on disk; symbolic links are not followed.
func ReadBootOutcome(eventsPath, stderrPath string, inProgress bool) BootOutcome {
	var o BootOutcome
	var st eventState
	if eventsPath != "" {
		o.ReadError = readEvents(eventsPath, &st)
	}
	o.Skipped, o.SSHLocalPorts = st.skipped, st.ports
	o.Started, o.Running = st.first, st.running
	if len(st.errors) > 0 {
		o.Errors, o.ErrorsFrom = st.errors, ErrorsFromEvents
	}
	switch {
	case st.count == 0 && inProgress:
		o.Result = OutcomeBooting
	case st.count == 0:
		o.Result = OutcomeUnknown
	case !st.running.IsZero() && st.degraded:
		o.Result = OutcomeDegraded
	case !st.running.IsZero() && inProgress && st.exiting.IsZero():
		o.Result = OutcomeRunning
	case !st.running.IsZero():
		o.Result = OutcomeReady
	case inProgress && st.exiting.IsZero():
		o.Result = OutcomeBooting
	default:
		o.Result = OutcomeFailed
	}
	switch {
	case !st.exiting.IsZero():
		o.EndedBy, o.Ended = EndedExiting, st.last
	case st.count > 0 && !inProgress:
		o.EndedBy, o.Ended = EndedCutOff, st.last
	}
	if o.Result == OutcomeFailed && len(o.Errors) == 0 && stderrPath != "" {
		problems, err := stderrProblems(stderrPath)
		if len(problems) > 0 {
			o.Errors, o.ErrorsFrom = problems, ErrorsFromStderr
		}
		if o.ReadError == nil {
			o.ReadError = err
		}
	}
	return o
}

// eventState is what the events of one boot said so far.
type eventState struct {
	count    int       // events read
	skipped  int       // lines that are not events
	first    time.Time // the first event's time
	last     time.Time // the last event's time
	running  time.Time // the first running event before any exiting one
	degraded bool      // that running event said degraded
	exiting  time.Time // the first exiting event
	errors   []string  // of the running event and of the exiting one, without repeats
	ports    []int     // sshLocalPort values, without repeats
}

// readEvents reads the events of the ha.stdout.log at path into st. A final line without its
// newline (the host agent is writing it) is left out unless it parses. A missing file, or one that
// is not a regular file, has no events.
func readEvents(path string, st *eventState) error {
	r, err := logfile.OpenLog(path)
	if errors.Is(err, logfile.ErrNotRegular) || errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer r.Close()
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() { br.Reset(nil); readers.Put(br) }()
	var line []byte
	long := false // the line is longer than maxEventLine
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > maxEventLine {
			long = true
		} else if !long {
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if long {
			st.skipped++
		} else if len(bytes.TrimSpace(line)) > 0 {
			st.add(line, err == nil)
		}
		line, long = line[:0], false
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// add takes one line of ha.stdout.log; complete says it ended with a newline.
func (st *eventState) add(line []byte, complete bool) {
	var ev events.Event
	if err := json.Unmarshal(line, &ev); err != nil || ev.Time.IsZero() {
		if complete {
			st.skipped++
		}
		return
	}
	s := ev.Status
	if st.count == 0 {
		st.first = ev.Time
	}
	st.count++
	st.last = ev.Time
	if s.SSHLocalPort > 0 && !slices.Contains(st.ports, s.SSHLocalPort) {
		st.ports = append(st.ports, s.SSHLocalPort)
	}
	if s.Running && st.running.IsZero() && st.exiting.IsZero() {
		st.running, st.degraded = ev.Time, s.Degraded
		st.addErrors(s.Errors)
	}
	if s.Exiting && st.exiting.IsZero() {
		st.exiting = ev.Time
		st.addErrors(s.Errors)
	}
}

func (st *eventState) addErrors(errs []string) {
	for _, e := range errs {
		if e != "" && !slices.Contains(st.errors, e) {
			st.errors = append(st.errors, e)
		}
	}
}

// hostAgentLine is one line of ha.stderr.log: logrus' JSON formatter, as the host agent of both
// Lima versions writes it.
type hostAgentLine struct {
	Level string `json:"level"`
	Msg   string `json:"msg"`
	Error string `json:"error"`
}

// stderrProblems returns the last maxStderrProblems warning and error lines in the last
// stderrTail bytes of the ha.stderr.log at path, then its last informational line when it came
// after them. Lines that are not the host agent's JSON are left out.
func stderrProblems(path string) ([]string, error) {
	tail, err := readTail(path, stderrTail)
	if err != nil {
		if errors.Is(err, logfile.ErrNotRegular) || errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var problems []string
	lastInfo, infoAfter := "", false
	for line := range bytes.Lines(tail) {
		if bytes.Contains(line, []byte(`"level":"debug"`)) || bytes.Contains(line, []byte(`"level":"trace"`)) {
			continue // most of the log, and never a problem: not worth decoding
		}
		var l hostAgentLine
		if json.Unmarshal(line, &l) != nil || l.Msg == "" {
			continue
		}
		text := l.Msg
		if l.Error != "" {
			text += ": " + l.Error
		}
		switch l.Level {
		case "warning", "error", "fatal", "panic":
			problems = append(problems, text)
			infoAfter = false
		case "info":
			lastInfo, infoAfter = text, true
		}
	}
	if len(problems) > maxStderrProblems {
		problems = problems[len(problems)-maxStderrProblems:]
	}
	if infoAfter && len(problems) > 0 || len(problems) == 0 && lastInfo != "" {
		problems = append(problems, lastInfo)
	}
	return problems, nil
}

// readTail returns the last n bytes (or fewer) of the log at path, plain or ".gz", starting at a
// line: a plain file is read from n bytes before its end, a ".gz" through gunzip keeping only its
// last bytes. Symbolic links are not followed.
func readTail(path string, n int64) ([]byte, error) {
	r, err := logfile.OpenLog(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cut := false
	if f, ok := r.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if fi.Size() > n {
			if _, err := f.Seek(fi.Size()-n, io.SeekStart); err != nil {
				return nil, err
			}
			cut = true
		}
		b, err := io.ReadAll(io.LimitReader(f, n))
		if err != nil {
			return nil, err
		}
		return fromLine(b, cut), nil
	}
	var buf []byte
	chunk := make([]byte, 32<<10)
	for {
		k, err := r.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if int64(len(buf)) > 2*n {
			buf, cut = append(buf[:0], buf[int64(len(buf))-n:]...), true
		}
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > n {
		buf, cut = buf[int64(len(buf))-n:], true
	}
	return fromLine(buf, cut), nil
}

// fromLine drops the partial first line of b when b was cut from a longer file.
func fromLine(b []byte, cut bool) []byte {
	if !cut {
		return b
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return nil
}
