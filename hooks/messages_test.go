// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/logfile"
)

// What rotation and preservation say reads right: a clean-up failure after the
// logs were renamed does not say they could not be rotated, a file left alone is
// not said to be left alone twice, and one file is "1 file".
func TestRotateAndPreserveMessagesReadRight(t *testing.T) {
	testutil.RequireNonRoot(t)
	fx := newFixture(t)
	var out bytes.Buffer
	log := logrus.New()
	log.SetOutput(&out)
	fx.hooks.Log = log
	fx.hooks.Compress = true
	dir := fx.instance(t, "vm", "Stopped", map[string]string{"serial.log": "boot 3", "serial.1.log": "boot 1", "serial.2.log": "boot 2"})
	require.NoError(t, os.Symlink(filepath.Join(dir, "lima.yaml"), filepath.Join(dir, "serialv.log")))
	require.NoError(t, os.Chmod(filepath.Join(dir, "serial.1.log"), 0o200)) // cannot be read, so not gzipped
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "serial.1.log"), 0o600) })

	err := fx.hooks.Rotate(context.Background(), []string{"vm"})
	require.ErrorIs(t, err, logfile.ErrHousekeeping)
	assert.NotContains(t, err.Error(), "cannot rotate", "the logs were rotated: %v", err)
	assert.Contains(t, err.Error(), `instance "vm"`)
	assert.Contains(t, err.Error(), "serial.1.log")
	assert.Equal(t, "boot 3", readFile(t, filepath.Join(dir, "serial.3.log")))

	text := out.String()
	assert.Contains(t, text, "generation 3 (1 file)")
	assert.NotContains(t, text, "(1 files)")
	assert.Contains(t, text, "Left serialv.log alone")
	assert.Contains(t, text, "instance=vm")
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		assert.LessOrEqual(t, strings.Count(line, "alone"), 1, "said twice: %s", line)
	}

	out.Reset()
	require.NoError(t, os.Chmod(filepath.Join(dir, "serial.1.log"), 0o600))
	gens, err := filepath.Glob(filepath.Join(dir, "serial.[12].log*"))
	require.NoError(t, err)
	require.NotEmpty(t, gens)
	for _, name := range gens {
		require.NoError(t, os.Remove(name)) // serial.3.log is left: one log to preserve
	}
	fx.hooks.KeepLogs = true
	_, err = fx.hooks.Delete(context.Background(), deleteInv("vm"))
	require.NoError(t, err)
	text = out.String()
	assert.Contains(t, text, "Preserved 1 log of instance")
	assert.Contains(t, text, "Did not preserve serialv.log")
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		assert.LessOrEqual(t, strings.Count(line, "alone"), 1, "said twice: %s", line)
	}
}
