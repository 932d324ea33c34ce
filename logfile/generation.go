// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"strconv"
	"strings"
)

const (
	logSuffix = ".log"
	gzSuffix  = ".gz"
)

// MaxGeneration is the highest generation number: nine digits, a billion boots, the same on every
// platform (it fits a 32-bit int). A name with a larger number is not a generation anywhere in this
// package (ParseGeneration refuses it): it is never listed, pruned, compressed or counted when
// numbering, so it cannot be taken for the newest boot; Preserve still moves it as a "*.log".
const MaxGeneration = 999_999_999

// GenerationName is a parsed generation file name "<Base>.<N>.log", or "<Base>.<N>.log.gz" when
// Compressed (Base "serial", "ha.stderr", ...). A valid one has a non-empty Base without '/' or NUL
// and N >= 1.
type GenerationName struct {
	Base       string
	N          int
	Compressed bool
}

// ParseGeneration parses a generation file name (a name, not a path). It is strict: N must be
// decimal digits only, at least 1 and at most MaxGeneration, without sign or leading zeros; Base
// must be non-empty and contain no '/' or NUL. Anything else, including a larger number, gives
// false. For every accepted name, ParseGeneration(n.String()) gives back the same GenerationName and
// n.String() is the input.
func ParseGeneration(filename string) (GenerationName, bool) {
	rest, compressed := strings.CutSuffix(filename, gzSuffix)
	rest, ok := strings.CutSuffix(rest, logSuffix)
	if !ok {
		return GenerationName{}, false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return GenerationName{}, false
	}
	base, num := rest[:dot], rest[dot+1:]
	if !validBase(base) {
		return GenerationName{}, false
	}
	n, ok := parseN(num)
	if !ok {
		return GenerationName{}, false
	}
	return GenerationName{Base: base, N: n, Compressed: compressed}, true
}

// parseN accepts decimal digits only, no leading zero, value in [1, MaxGeneration].
func parseN(s string) (int, bool) {
	if s == "" || s[0] == '0' || len(s) > len(strconv.Itoa(MaxGeneration)) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s) // at most nine digits: never out of range
	if err != nil || n > MaxGeneration {
		return 0, false
	}
	return n, true
}

// validBase reports whether base can start a log's file name: it is not empty and
// "<base>.log" is a plain file name (isPlainName), so base holds no '/' or NUL.
func validBase(base string) bool {
	return base != "" && isPlainName(base+logSuffix)
}

// isPlainName reports whether name is a plain file name, one entry of a directory: not empty,
// not "." or "..", and without '/' or NUL.
func isPlainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\x00")
}

// String returns the file name of n: "<Base>.<N>.log", plus ".gz" when Compressed. It is the inverse
// of ParseGeneration for valid names; for an invalid GenerationName the result does not parse.
func (n GenerationName) String() string {
	s := n.Base + "." + strconv.Itoa(n.N) + logSuffix
	if n.Compressed {
		s += gzSuffix
	}
	return s
}

// IsLogName reports whether name is one Preserve moves: "*.log" or "*.log.gz".
func IsLogName(name string) bool {
	return strings.HasSuffix(name, logSuffix) || strings.HasSuffix(name, logSuffix+gzSuffix)
}

// ActiveBase returns the base of an active log name ("serial.log" -> "serial"), checking what
// Rotate and ListGenerations require: it ends in ".log", has a valid base, contains no '/', and is
// not itself a generation name (which would let pruning of one base remove another base's active
// log). ok is false for any other name.
func ActiveBase(name string) (base string, ok bool) {
	base, ok = strings.CutSuffix(name, logSuffix)
	if !ok || !validBase(base) {
		return "", false
	}
	if _, isGen := ParseGeneration(name); isGen {
		return "", false
	}
	return base, true
}

// nextGeneration returns 1 + the highest N of any "<name>.<N>.log" or "<name>.<N>.log.gz" entry in
// dir, whatever its name or file type (a symlink named "x.9.log" counts, so a new generation can
// never collide with it), or 1 when there is none. Names whose N does not parse (e.g. above
// MaxGeneration) are ignored. If the highest N is MaxGeneration there is no next one: that is an
// error.
func nextGeneration(dir string) (int, error) {
	names, err := readDirNames(dir)
	if err != nil {
		return 0, err
	}
	highest := 0
	for _, name := range names {
		if g, ok := ParseGeneration(name); ok && g.N > highest {
			highest = g.N
		}
	}
	if highest >= MaxGeneration {
		return 0, fileErr("number next generation in", dir, "", errGenerationOverflow)
	}
	return highest + 1, nil
}
