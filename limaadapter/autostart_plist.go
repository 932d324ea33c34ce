package limaadapter

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrNotLimaPlist means a launchd plist does not start an instance the way
// Lima's start-at-login writes it (`<limactl> start NAME --foreground`), nor
// the way LaunchdThroughLogkeep rewrites it.
var ErrNotLimaPlist = errors.New("not Lima's start-at-login agent")

var (
	programArgumentsRE = regexp.MustCompile(`(?s)(<key>ProgramArguments</key>\s*<array>)(.*?)(\s*</array>)`)
	plistStringRE      = regexp.MustCompile(`(?s)(\s*)<string>.*?</string>`)
)

// programArguments returns the ProgramArguments array of the launchd plist.
func programArguments(plist []byte) ([]string, error) {
	m := programArgumentsRE.FindSubmatch(plist)
	if m == nil {
		return nil, fmt.Errorf("no ProgramArguments array: %w", ErrNotLimaPlist)
	}
	var array struct {
		Strings []string `xml:"string"`
	}
	if err := xml.Unmarshal(append(append([]byte("<array>"), m[2]...), "</array>"...), &array); err != nil {
		return nil, fmt.Errorf("cannot read ProgramArguments: %w", err)
	}
	return array.Strings, nil
}

// withProgramArguments returns plist with its ProgramArguments array replaced
// by args, indented like the array's first element; everything else is kept
// byte for byte.
func withProgramArguments(plist []byte, args []string) []byte {
	m := programArgumentsRE.FindSubmatchIndex(plist)
	indent := "\n\t\t"
	if first := plistStringRE.FindSubmatch(plist[m[4]:m[5]]); first != nil && len(first[1]) > 0 {
		indent = string(first[1])
	}
	var body bytes.Buffer
	for _, arg := range args {
		body.WriteString(indent + "<string>")
		_ = xml.EscapeText(&body, []byte(arg)) // writes to a buffer: no error
		body.WriteString("</string>")
	}
	out := slices.Clone(plist[:m[4]])
	out = append(out, body.Bytes()...)
	return append(out, plist[m[5]:]...)
}

// LaunchdProgram is what a start-at-login agent runs: Lima's limactl, and
// whether it goes through limactl-logkeep (Logkeep, with its options).
type LaunchdProgram struct {
	Limactl  string
	Instance string
	Logkeep  string   // empty: the agent runs limactl itself
	Options  []string // limactl-logkeep's global options, before --limactl
}

// ParseLaunchdProgram reads a start-at-login agent's ProgramArguments: Lima's
// `<limactl> start NAME --foreground`, or LaunchdThroughLogkeep's `<logkeep>
// OPTIONS... --limactl=<limactl> wrap start NAME --foreground`. Anything else is
// an error wrapping ErrNotLimaPlist.
func ParseLaunchdProgram(plist []byte) (LaunchdProgram, error) {
	args, err := programArguments(plist)
	if err != nil {
		return LaunchdProgram{}, err
	}
	n := len(args)
	if n < 4 || args[n-3] != "start" || args[n-1] != "--foreground" {
		return LaunchdProgram{}, fmt.Errorf("ProgramArguments %q: %w", args, ErrNotLimaPlist)
	}
	prog := LaunchdProgram{Instance: args[n-2]}
	if n == 4 {
		prog.Limactl = args[0]
		return prog, nil
	}
	limactl, ok := strings.CutPrefix(args[n-5], "--limactl=")
	if args[n-4] != "wrap" || !ok {
		return LaunchdProgram{}, fmt.Errorf("ProgramArguments %q: %w", args, ErrNotLimaPlist)
	}
	prog.Limactl, prog.Logkeep, prog.Options = limactl, args[0], slices.Clone(args[1:n-5])
	return prog, nil
}

// launchdArguments returns the ProgramArguments that run prog.
func (prog LaunchdProgram) launchdArguments() []string {
	if prog.Logkeep == "" {
		return []string{prog.Limactl, "start", prog.Instance, "--foreground"}
	}
	args := append([]string{prog.Logkeep}, prog.Options...)
	return append(args, "--limactl="+prog.Limactl, "wrap", "start", prog.Instance, "--foreground")
}

// LaunchdThroughLogkeep returns Lima's start-at-login plist rewritten so that
// launchd starts the instance through limactl-logkeep (the program logkeep with
// its global options): `<logkeep> OPTIONS... --limactl=<limactl> wrap start
// NAME --foreground`. wrap rotates the logs, then execs the same `limactl
// start NAME --foreground`, so launchd keeps tracking one process. The rest of
// the plist (label, working directory, launchd's own logs) is unchanged. A
// plist already rewritten is rewritten with the new program and options;
// logkeep "" gives Lima's own ProgramArguments back. It is a pure function.
func LaunchdThroughLogkeep(plist []byte, logkeep string, options []string) ([]byte, error) {
	prog, err := ParseLaunchdProgram(plist)
	if err != nil {
		return nil, err
	}
	prog.Logkeep, prog.Options = logkeep, options
	if logkeep == "" {
		prog.Options = nil
	}
	return withProgramArguments(plist, prog.launchdArguments()), nil
}
