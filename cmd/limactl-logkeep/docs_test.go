// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceFile is the generated reference, relative to this package.
var referenceFile = filepath.Join("..", "..", "docs", "limactl-logkeep.md")

// CI runs this test: it fails when the CLI changed and docs/ was not regenerated.
func TestReferenceDocsAreCurrent(t *testing.T) {
	want := referenceDocs(newApp())
	got, err := os.ReadFile(referenceFile)
	require.NoError(t, err, "docs/limactl-logkeep.md is missing: run `make docs`")
	assert.Equal(t, want, string(got), "docs/limactl-logkeep.md is out of date: run `make docs` and commit it")
}

// gen-docs (what `make docs` runs) prints the same whatever the environment.
func TestGenDocsIgnoresTheEnvironment(t *testing.T) {
	r := run(t, map[string]string{"LIMA_LOGKEEP_DIR": "/somewhere", "LIMA_LOGKEEP_MAX_BACKUPS": "9", "LIMA_LOGKEEP_COMPRESS": "1"}, "gen-docs")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, referenceDocs(newApp()), r.stdout)
	for _, cmd := range []string{"### boots", "### logs", "### collect", "### prune", "### start", "--show-console", "Examples:", "firstModified"} {
		assert.Contains(t, r.stdout, cmd)
	}
}
