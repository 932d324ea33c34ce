// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTB records how a helper ended a test, in place of a real one.
type fakeTB struct {
	testing.TB
	fatal, skip, errors string
	returned            bool // the helper returned: the test went on
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Name() string                   { return "TestNeedsZsh" }
func (f *fakeTB) Errorf(format string, a ...any) { f.errors += fmt.Sprintf(format, a...) }
func (f *fakeTB) Fatalf(format string, a ...any) {
	f.fatal = fmt.Sprintf(format, a...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, a ...any) { f.skip = fmt.Sprintf(format, a...); runtime.Goexit() }

// run calls helper with a fakeTB on its own goroutine, as the helper ends it.
func run(helper func(t testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(f)
		f.returned = true
	}()
	<-done
	return f
}

func TestMissingPrerequisiteSkipsLoudlyAndRecordsTheSkip(t *testing.T) {
	t.Setenv("CI", "")
	log := filepath.Join(t.TempDir(), "skips")
	t.Setenv(SkipLogEnv, log)
	for range 2 {
		f := run(func(tb testing.TB) { MissingPrerequisite(tb, "zsh is not installed (%s)", "apt-get install zsh") })
		assert.Equal(t, "SKIPPED LOUDLY, a prerequisite is missing: zsh is not installed (apt-get install zsh)", f.skip)
		assert.Empty(t, f.fatal+f.errors)
		assert.False(t, f.returned)
	}
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	pkg := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe"), ".test")
	line := pkg + " TestNeedsZsh: zsh is not installed (apt-get install zsh)\n"
	assert.Equal(t, line+line, string(b), "one line per skip, appended")
}

func TestMissingPrerequisiteFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	log := filepath.Join(t.TempDir(), "skips")
	t.Setenv(SkipLogEnv, log)
	f := run(func(tb testing.TB) { MissingPrerequisite(tb, "zsh is not installed") })
	assert.Equal(t, "CI=true and a prerequisite is missing: zsh is not installed", f.fatal)
	assert.Empty(t, f.skip+f.errors)
	assert.False(t, f.returned)
	assert.NoFileExists(t, log, "a failure is no skip")
}

func TestMissingPrerequisiteSaysWhenTheSkipCannotBeRecorded(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(SkipLogEnv, filepath.Join(t.TempDir(), "no", "such", "dir"))
	f := run(func(tb testing.TB) { MissingPrerequisite(tb, "zsh is not installed") })
	assert.Contains(t, f.errors, "cannot record the skip in "+SkipLogEnv+"=")
	assert.Contains(t, f.skip, "zsh is not installed")
}

func TestRequireNonRoot(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(SkipLogEnv, "")
	f := run(RequireNonRoot)
	if os.Geteuid() == 0 {
		assert.Contains(t, f.skip, "a non-root user")
	} else {
		assert.True(t, f.returned, "a non-root user goes on")
		assert.Empty(t, f.skip+f.fatal+f.errors)
	}
}
