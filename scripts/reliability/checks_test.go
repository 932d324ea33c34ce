// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// expectError checks that r failed with a non-zero exit and a message naming path (and containing
// what, when not empty), on one line as limactl's are, without a panic or Lima noise.
func expectError(t *testing.T, tr *trial, r result, path, what string) {
	t.Logf("%q -> exit %d:\n%s", r.args, r.status, strings.TrimSpace(r.stderr))
	if r.status == 0 {
		tr.fail("%q exited 0, want an error", r.args)
	}
	if !strings.Contains(r.stderr, path) {
		tr.fail("%q: the error does not name %s:\n%s", r.args, path, r.stderr)
	}
	if what != "" && !strings.Contains(strings.ToLower(r.stderr), strings.ToLower(what)) {
		tr.fail("%q: the error does not say %q:\n%s", r.args, what, r.stderr)
	}
	if noise := noLimaNoise(r.stderr); len(noise) > 0 {
		tr.fail("%q printed %q", r.args, noise)
	}
	var errorLines []string
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !strings.Contains(line, "level=") { // the rest is logrus' warnings, one line each
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) != 1 || !strings.HasPrefix(errorLines[0], "limactl-logkeep: ") {
		tr.fail("%q: the error is not one line starting with \"limactl-logkeep: \":\n%s", r.args, r.stderr)
	}
}

// expectNoLimactl checks that limactl was not run for anything but a status query.
func expectNoLimactl(t *testing.T, tr *trial, sb *sandbox) {
	if calls := sb.fake.commands(t); len(calls) > 0 {
		tr.fail("limactl ran although a log could not be kept: %q", calls)
	}
}

// expectIntact checks that every log is unchanged in dir.
func expectIntact(tr *trial, dir string, logs map[string]original) {
	for name, o := range logs {
		path := filepath.Join(dir, name)
		if d, err := digestFile(path, false); err != nil || d != o.dig {
			tr.lose(path, o.dig.size, fmt.Sprintf("not intact in the instance directory (%v)", err))
		}
	}
}

// expectSomewhere checks that every log is whole in dir or in a set under sets, that set files
// carry no partial content and that no temporary file is left.
func expectSomewhere(t *testing.T, tr *trial, dir, sets string, logs map[string]original) {
	places := []string{dir}
	for _, set := range listDir(t, sets) {
		places = append(places, filepath.Join(sets, set))
	}
	for name, o := range logs {
		whole := 0
		for _, p := range places {
			d, err := digestFile(filepath.Join(p, name), false)
			switch {
			case os.IsNotExist(err):
			case err != nil || d != o.dig:
				tr.fail("PARTIAL FILE under a final name: %s (%v)", filepath.Join(p, name), err)
			default:
				whole++
			}
		}
		if whole == 0 {
			tr.lose(filepath.Join(dir, name), o.dig.size, "not whole anywhere")
		}
	}
	for _, p := range places[1:] {
		for _, name := range listDir(t, p) {
			if tempName.MatchString(name) {
				tr.fail("temporary file %s left", filepath.Join(p, name))
			}
		}
	}
}
