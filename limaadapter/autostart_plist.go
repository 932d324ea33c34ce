// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"howett.net/plist"
)

// ErrNotLimaPlist means a launchd plist does not start an instance the way
// Lima's start-at-login writes it (`<limactl> start NAME --foreground`), nor
// the way LaunchdThroughLogkeep rewrites it.
var ErrNotLimaPlist = errors.New("not Lima's start-at-login agent")

// agent is a launchd agent's property list, read with howett.net/plist: its
// top-level dictionary and the format it was written in.
type agent struct {
	dict   map[string]any
	format int // plist.XMLFormat (Lima's) or plist.BinaryFormat (after `plutil -convert binary1`)
}

// readAgent reads a launchd plist in XML or binary form. A plist that is not a
// dictionary is an error wrapping ErrNotLimaPlist.
func readAgent(data []byte) (agent, error) {
	var top any
	format, err := plist.Unmarshal(data, &top)
	if err != nil {
		return agent{}, fmt.Errorf("cannot read the plist: %w", err)
	}
	dict, ok := top.(map[string]any)
	if !ok || (format != plist.XMLFormat && format != plist.BinaryFormat) {
		return agent{}, fmt.Errorf("not an XML or binary plist dictionary: %w", ErrNotLimaPlist)
	}
	return agent{dict: dict, format: format}, nil
}

// programArguments returns the agent's ProgramArguments array.
func (a agent) programArguments() ([]string, error) {
	array, ok := a.dict["ProgramArguments"].([]any)
	if !ok {
		return nil, fmt.Errorf("no ProgramArguments array: %w", ErrNotLimaPlist)
	}
	args := make([]string, len(array))
	for i, v := range array {
		if args[i], ok = v.(string); !ok {
			return nil, fmt.Errorf("ProgramArguments holds a %T: %w", v, ErrNotLimaPlist)
		}
	}
	return args, nil
}

// withProgramArguments returns the agent's plist with its ProgramArguments
// array replaced by args, in the agent's format: every other key and value is
// kept. howett.net/plist writes a dictionary's keys in sorted order, indented
// with tabs, so the bytes are canonical: the same content always gives the same
// bytes.
func (a agent) withProgramArguments(args []string) ([]byte, error) {
	dict := make(map[string]any, len(a.dict))
	for k, v := range a.dict {
		dict[k] = v
	}
	dict["ProgramArguments"] = args
	out, err := plist.MarshalIndent(dict, a.format, "\t")
	if err != nil {
		return nil, fmt.Errorf("cannot write the plist: %w", err)
	}
	if a.format == plist.XMLFormat {
		out = append(out, '\n')
	}
	return out, nil
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
func ParseLaunchdProgram(data []byte) (LaunchdProgram, error) {
	a, err := readAgent(data)
	if err != nil {
		return LaunchdProgram{}, err
	}
	return a.program()
}

// program reads the agent's ProgramArguments as ParseLaunchdProgram does.
func (a agent) program() (LaunchdProgram, error) {
	args, err := a.programArguments()
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
// the plist (label, working directory, launchd's own logs, any other key) keeps
// its values, and the plist its format (XML, or binary); the XML is written
// canonically (keys sorted, tab-indented: see withProgramArguments), so
// rewriting a plist with the program and options it already has gives the same
// bytes back. A plist already rewritten is rewritten with the new program and
// options; logkeep "" gives Lima's own ProgramArguments back. It is a pure
// function.
func LaunchdThroughLogkeep(data []byte, logkeep string, options []string) ([]byte, error) {
	a, err := readAgent(data)
	if err != nil {
		return nil, err
	}
	prog, err := a.program()
	if err != nil {
		return nil, err
	}
	prog.Logkeep, prog.Options = logkeep, options
	if logkeep == "" {
		prog.Options = nil
	}
	return a.withProgramArguments(prog.launchdArguments())
}
