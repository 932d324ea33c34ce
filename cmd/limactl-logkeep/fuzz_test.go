// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"slices"
	"strings"
	"testing"
)

// FuzzTakeFlag checks takeFlag and wantsHelp, the parsers of limactl-logkeep's own flags inside
// command lines that otherwise belong to limactl. The argument list is one string with NUL
// between arguments. Properties: takeFlag removes exactly the occurrences of --NAME, --NAME=true
// and --NAME=false before the first "--" and keeps everything else in order; set is the last of
// them; wantsHelp is true exactly when -h or --help comes before the first "--". Seeds are in
// testdata/fuzz/FuzzTakeFlag.
func FuzzTakeFlag(f *testing.F) {
	for _, s := range []string{"", "vm", "--no-rotate\x00vm", "vm\x00--no-rotate=false", "--\x00--no-rotate",
		"--no-rotate=true\x00--no-rotate=false\x00--no-rotate", "-h", "--\x00--help", "--no-rotate=maybe"} {
		f.Add(s, "no-rotate")
	}
	f.Add("--strict\x00-f\x00vm", "strict")
	f.Fuzz(func(t *testing.T, s, name string) {
		var args []string
		if s != "" {
			args = strings.Split(s, "\x00")
		}
		orig := slices.Clone(args)
		rest, set := takeFlag(args, name)
		if !slices.Equal(args, orig) {
			t.Fatalf("takeFlag changed its arguments: %q -> %q", orig, args)
		}
		var want []string
		wantSet, afterDashes := false, false
		for _, a := range args {
			switch {
			case afterDashes:
				want = append(want, a)
			case a == "--":
				afterDashes = true
				want = append(want, a)
			case a == "--"+name || a == "--"+name+"=true":
				wantSet = true
			case a == "--"+name+"=false":
				wantSet = false
			default:
				want = append(want, a)
			}
		}
		if !slices.Equal(rest, want) || set != wantSet {
			t.Fatalf("takeFlag(%q, %q) = %q, %v; want %q, %v", args, name, rest, set, want, wantSet)
		}
		help := slices.ContainsFunc(args[:dashIndex(args)], func(a string) bool { return a == "-h" || a == "--help" })
		if got := wantsHelp(args); got != help {
			t.Fatalf("wantsHelp(%q) = %v, want %v", args, got, help)
		}
	})
}

// dashIndex returns the index of the first "--" in args, or len(args).
func dashIndex(args []string) int {
	if i := slices.Index(args, "--"); i >= 0 {
		return i
	}
	return len(args)
}
