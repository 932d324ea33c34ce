// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SkipLogEnv names the environment variable that, when set, holds the path of
// a file to which MissingPrerequisite appends one line per skipped test:
// scripts/test.sh sets it and lists those lines after the unit tests, whose
// skips `go test` without -v does not show.
const SkipLogEnv = "LOGKEEP_SKIP_LOG"

// MissingPrerequisite ends the test t because something it needs is missing (a
// program, an environment variable set by scripts/setup.sh, a non-root user,
// ...), described by format and args with a hint of how to get it. Under CI
// (environment CI=true), where every prerequisite must be present, t fails.
// Otherwise t is skipped with a message starting "SKIPPED LOUDLY", and the
// skip is recorded in the file named by SkipLogEnv, if set. Like t.Skip and
// t.Fatal it must be called from the test's goroutine and does not return.
func MissingPrerequisite(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a prerequisite is missing: %s", msg)
	}
	if err := recordSkip(os.Getenv(SkipLogEnv), t.Name(), msg); err != nil {
		t.Errorf("cannot record the skip in %s=%s: %v", SkipLogEnv, os.Getenv(SkipLogEnv), err)
	}
	t.Skipf("SKIPPED LOUDLY, a prerequisite is missing: %s", msg)
}

// RequireNonRoot ends the test t as MissingPrerequisite does when it runs as
// root, which bypasses permission checks (and which limactl refuses): run the
// tests through scripts/as-test-user, as `make test` does.
func RequireNonRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		MissingPrerequisite(t, "a non-root user: root bypasses permission checks (run the tests through scripts/as-test-user, as `make test` does)")
	}
}

// recordSkip appends "PACKAGE TEST: msg" to the file path; it does nothing
// when path is "". PACKAGE is the test binary's name without ".test".
func recordSkip(path, test, msg string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	pkg := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe"), ".test")
	line := strings.ReplaceAll(fmt.Sprintf("%s %s: %s", pkg, test, msg), "\n", " ") + "\n"
	_, err = f.WriteString(line) // one write: lines of parallel packages do not mix
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
