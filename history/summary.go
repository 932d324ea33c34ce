// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"limactl-logkeep/logfile"
)

// How much of a boot in trouble SUMMARY.md shows.
const (
	summaryConsoleLines = 30
	summaryAgentLines   = 15
	summaryErrorWidth   = 200
)

// summary returns SUMMARY.md: for the people who open the bundle, which boot of which
// instance failed and why, before they look at the files.
func (s Store) summary(m *Manifest, planned []plannedInstance, guest, redacted bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Lima logs bundle\n\n")
	fmt.Fprintf(&b, "Written %s by limactl-logkeep %s. ", m.Created.Format(time.RFC3339), orNone(m.ToolVersion))
	if m.LimactlVersionError != "" {
		fmt.Fprintf(&b, "`limactl --version` failed: %s.\n\n", oneLine(m.LimactlVersionError))
	} else {
		fmt.Fprintf(&b, "`limactl --version`: %s.\n\n", oneLine(m.LimactlVersion))
	}
	b.WriteString("Each boot's outcome is read from Lima's host agent events (ha.stdout.log): ready, degraded " +
		"(running with errors), failed (never reached running), running or booting (the current boot), " +
		"unknown (no events). For each boot that failed or ran degraded, the end of its console and of " +
		"its host agent log follow the table. manifest.json lists every file with its sha256.\n")
	if len(planned) == 0 {
		b.WriteString("\nNo instance had logs to collect.\n")
	}
	for _, p := range planned {
		s.summarizeInstance(&b, p)
	}
	if guest {
		summarizeGuest(&b, m)
	}
	if len(m.Skipped) > 0 {
		b.WriteString("\n## Left out\n\nThese could not be read and are not in the bundle:\n\n")
		for _, sk := range m.Skipped {
			fmt.Fprintf(&b, "- `%s`: %s\n", sk.Source, oneLine(sk.Reason))
		}
	}
	if redacted {
		b.WriteString("\n## Redacted\n\nEvery file of this bundle, this summary and the manifest included, was redacted: " +
			"each value below was replaced by its placeholder, the same value by the same placeholder everywhere. " +
			"The logs on the host are unchanged.\n\n")
		if len(m.Redacted) == 0 {
			b.WriteString("Nothing needed replacing.\n")
		} else {
			b.WriteString("| what | placeholder | distinct values | replacements |\n|---|---|---|---|\n")
			for _, r := range m.Redacted {
				fmt.Fprintf(&b, "| %s | `%s` | %d | %d |\n", r.Kind, r.Placeholder, r.Distinct, r.Count)
			}
		}
	}
	return b.Bytes()
}

// summarizeInstance writes an instance's table of boots and the details of each boot in
// trouble.
func (s Store) summarizeInstance(b *bytes.Buffer, p plannedInstance) {
	e := p.entry
	fmt.Fprintf(b, "\n## Instance `%s`\n\n", e.Name)
	if e.InstanceDir != "" {
		fmt.Fprintf(b, "Instance directory `%s`, in the bundle as `%s/instance/`.", e.InstanceDir, e.Name)
	} else {
		b.WriteString("The instance no longer exists (deleted or reset): its logs are those of its preserved sets.")
	}
	if len(e.PreservedSets) > 0 {
		fmt.Fprintf(b, " Preserved sets: %d, in `%s/preserved/<set>/`.", len(e.PreservedSets), e.Name)
	}
	b.WriteString("\n\n")
	total := 0
	for _, loc := range p.locations {
		total += len(loc.boots)
	}
	if total == 0 {
		b.WriteString("No boot recorded.\n")
		return
	}
	b.WriteString("| where | boot | generation | outcome | started (UTC) | to running | ended | errors |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	var trouble []string
	for _, loc := range p.locations {
		for _, boot := range loc.boots {
			o := boot.Outcome
			outcome := orNone(o.Result)
			if o.Trouble {
				outcome = "**" + outcome + "**"
				trouble = append(trouble, s.troubleDetails(e.Name, loc, boot))
			}
			toRunning := "-"
			if d, ok := o.ToRunning(); ok {
				toRunning = d.Round(100 * time.Millisecond).String()
			}
			fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", where(loc), boot.Index, generationName(boot),
				outcome, timeOrDash(o.Started), toRunning, orDash(o.EndedBy), cell(strings.Join(o.Errors, "; "), summaryErrorWidth))
		}
	}
	for _, t := range trouble {
		b.WriteString(t)
	}
}

// troubleDetails tells about one boot that failed or ran degraded: its errors, then the end of
// its console and of its host agent log.
func (s Store) troubleDetails(instance string, loc location, boot Boot) string {
	var b bytes.Buffer
	o := boot.Outcome
	fmt.Fprintf(&b, "\n### `%s`, boot %d (generation %s, %s): %s\n\n", instance, boot.Index, generationName(boot), where(loc), o.Result)
	if len(o.Errors) > 0 {
		from := o.ErrorsFrom
		switch from {
		case "events":
			from = "Lima's events"
		case "":
			from = "?"
		default:
			from += ".log"
		}
		fmt.Fprintf(&b, "Errors (from %s):\n\n", from)
		for _, e := range o.Errors {
			fmt.Fprintf(&b, "- %s\n", oneLine(e))
		}
		b.WriteString("\n")
	}
	var consoles []string
	if s.Consoles != nil {
		consoles = s.Consoles(loc.dir)
	}
	if console, err := ChooseConsole(boot, consoles); err == nil && console != "" {
		f, _ := boot.File(console)
		tail(&b, f, summaryConsoleLines, loc.archive)
	}
	if f, ok := boot.File(s.AgentLog); ok && s.AgentLog != "" {
		tail(&b, f, summaryAgentLines, loc.archive)
	}
	return b.String()
}

// tail writes the last n lines of f in a fenced block, with control characters made visible.
func tail(b *bytes.Buffer, f File, n int, archive string) {
	name := strings.TrimSuffix(f.Name, ".gz")
	var buf bytes.Buffer
	if err := logfile.TailLines(f.Path, n, &buf); err != nil {
		fmt.Fprintf(b, "The end of `%s` could not be read: %s.\n\n", name, oneLine(err.Error()))
		return
	}
	if buf.Len() == 0 {
		fmt.Fprintf(b, "`%s/%s` is empty.\n\n", archive, name)
		return
	}
	fmt.Fprintf(b, "Last %d lines of `%s/%s`:\n\n````\n%s````\n\n", n, archive, name, printable(buf.Bytes()))
}

// summarizeGuest lists what --guest took from each guest and what it could not.
func summarizeGuest(b *bytes.Buffer, m *Manifest) {
	b.WriteString("\n## Guest logs (--guest)\n\n")
	if len(m.GuestLogs) == 0 {
		b.WriteString("No collected instance exists any more: no guest was asked.\n")
		return
	}
	for _, g := range m.GuestLogs {
		switch {
		case g.Name == "":
			fmt.Fprintf(b, "- `%s`: nothing asked: %s\n", g.Instance, oneLine(g.Missing))
		case g.Missing != "":
			fmt.Fprintf(b, "- `%s`: %s not taken: %s (`%s`)\n", g.Instance, g.Name, oneLine(g.Missing), g.Command)
		case g.Truncated:
			fmt.Fprintf(b, "- `%s`: %s taken, cut at the size limit: `%s` (`%s`)\n", g.Instance, g.Name, g.Path, g.Command)
		default:
			fmt.Fprintf(b, "- `%s`: %s taken: `%s` (`%s`)\n", g.Instance, g.Name, g.Path, g.Command)
		}
	}
}

// where names a location in the table: "instance" or "set <name>".
func where(loc location) string {
	if loc.set == "" {
		return "instance"
	}
	return "set " + loc.set
}

func generationName(b Boot) string {
	if b.Current() {
		return "current"
	}
	return fmt.Sprint(b.Generation)
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// oneLine puts s on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cell makes s fit a table cell: one line, no "|", at most n characters.
func cell(s string, n int) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n-3]) + "..."
	}
	return s
}

// printable returns text with carriage returns dropped and other control characters (but tab
// and newline) shown as "?", so that a console's escape sequences do not reach a terminal.
func printable(text []byte) []byte {
	out := make([]byte, 0, len(text))
	for _, c := range text {
		switch {
		case c == '\r':
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7f:
			out = append(out, '?')
		default:
			out = append(out, c)
		}
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return out
}
