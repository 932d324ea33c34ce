// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// TestMain runs the suite and prints the table. Started with $LOGKEEP_REL_DRIVER set, the test
// binary is instead the crash driver (see driver_test.go) and never runs a test.
func TestMain(m *testing.M) {
	if mode := os.Getenv(driverEnv); mode != "" {
		os.Exit(runDriver(mode))
	}
	code := m.Run()
	fmt.Print(board.table())
	if code == 0 && board.bad() {
		fmt.Println("FAIL: the reliability table has failures or losses")
		code = 1
	}
	os.Exit(code)
}

// row is one line of the table.
type row struct {
	scenario  string
	trials    int
	failures  int
	logsLost  int
	bytesLost int64
	note      string
}

// scoreboard collects the rows of all tests; TestMain prints it.
type scoreboard struct {
	mu   sync.Mutex
	rows []row
}

var board = &scoreboard{}

func (b *scoreboard) add(r row) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rows = append(b.rows, r)
}

func (b *scoreboard) bad() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.rows {
		if r.failures != 0 || r.logsLost != 0 || r.bytesLost != 0 {
			return true
		}
	}
	return false
}

// table renders the rows as aligned text (scenario and notes left-aligned, numbers right-aligned)
// with a total line.
func (b *scoreboard) table() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.rows) == 0 {
		return "\nreliability: no scenario ran\n"
	}
	header := []string{"scenario", "trials", "failures", "logs lost", "bytes lost", "notes"}
	lines := [][]string{header}
	var total row
	rows := slices.Clone(b.rows)
	slices.SortStableFunc(rows, func(x, y row) int { return strings.Compare(x.scenario[:1], y.scenario[:1]) })
	for _, r := range rows {
		lines = append(lines, []string{r.scenario, fmt.Sprint(r.trials), fmt.Sprint(r.failures),
			fmt.Sprint(r.logsLost), fmt.Sprint(r.bytesLost), r.note})
		total.trials += r.trials
		total.failures += r.failures
		total.logsLost += r.logsLost
		total.bytesLost += r.bytesLost
	}
	lines = append(lines, []string{"total", fmt.Sprint(total.trials), fmt.Sprint(total.failures),
		fmt.Sprint(total.logsLost), fmt.Sprint(total.bytesLost), ""})
	width := make([]int, len(header))
	for _, l := range lines {
		for i, cell := range l {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	var sb strings.Builder
	sb.WriteString("\nlimactl-logkeep reliability\n")
	for n, l := range lines {
		var line strings.Builder
		for i, cell := range l {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			switch {
			case i == 0:
				line.WriteString(cell + pad)
			case i == len(l)-1:
				line.WriteString("  " + cell)
			default:
				line.WriteString("  " + pad + cell)
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if n == 0 || n == len(lines)-2 {
			sb.WriteString(strings.Repeat("-", sum(width)+2*(len(width)-1)) + "\n")
		}
	}
	return sb.String()
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// trial collects what went wrong in one trial of a scenario.
type trial struct {
	problems  []string
	logsLost  int
	bytesLost int64
}

// fail records a failure of the trial.
func (tr *trial) fail(format string, args ...any) {
	tr.problems = append(tr.problems, fmt.Sprintf(format, args...))
}

// lose records a log that is gone or damaged everywhere, and counts as a failure too.
func (tr *trial) lose(name string, size int64, why string) {
	tr.logsLost++
	tr.bytesLost += size
	tr.fail("LOST %s (%d bytes): %s", name, size, why)
}

// tally adds up the trials of one scenario, prints the problems of failed trials to the test log
// and records the row.
type tally struct {
	t        *testing.T
	scenario string
	r        row
	shown    int
	skipped  int // cases skipped for a missing prerequisite
}

func newTally(t *testing.T, scenario string) *tally {
	return &tally{t: t, scenario: scenario, r: row{scenario: scenario}}
}

// add accounts for one finished trial named label.
func (ta *tally) add(label string, tr *trial) {
	ta.r.trials++
	ta.r.logsLost += tr.logsLost
	ta.r.bytesLost += tr.bytesLost
	if len(tr.problems) == 0 {
		return
	}
	ta.r.failures++
	if ta.shown < 20 {
		ta.shown++
		ta.t.Errorf("%s: trial %s failed:\n  %s", ta.scenario, label, strings.Join(tr.problems, "\n  "))
	}
}

// skippedNote returns note, preceded by the number of skipped cases if any.
func (ta *tally) skippedNote(note string) string {
	if ta.skipped > 0 {
		return fmt.Sprintf("%d SKIPPED (see the log); %s", ta.skipped, note)
	}
	return note
}

// done records the row; call it once, deferred, so that a test stopped by t.Fatal still counts.
func (ta *tally) done(note string) {
	ta.r.note = note
	if ta.t.Skipped() {
		ta.r.note = "SKIPPED: " + note
	}
	if ta.t.Failed() && ta.r.failures == 0 {
		ta.r.failures = 1 // the test failed outside the accounted trials
	}
	board.add(ta.r)
}

// sub runs one case as a subtest and accounts for it as one trial. A skipped case is counted in
// the note, not as a trial; a case stopped by a failed require counts as a failed trial.
func (ta *tally) sub(name string, f func(t *testing.T, tr *trial)) {
	tr := &trial{}
	skipped := false
	passed := ta.t.Run(name, func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		f(t, tr)
		for _, p := range tr.problems {
			t.Error(p)
		}
	})
	switch {
	case skipped:
		ta.skipped++
		return
	case !passed && len(tr.problems) == 0:
		tr.fail("stopped early (see the test log)")
	}
	ta.r.trials++
	ta.r.logsLost += tr.logsLost
	ta.r.bytesLost += tr.bytesLost
	if len(tr.problems) > 0 {
		ta.r.failures++
	}
}
