// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSetName(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 30, 5, 0, time.UTC)
	for _, c := range []struct {
		name string
		k    int
		ok   bool
	}{
		{"20261126T093005Z", 1, true},
		{"20261126T093005Z.2", 2, true},
		{"20261126T093005Z.17", 17, true},
		{"20261126T093005Z.1", 0, false},
		{"20261126T093005Z.02", 0, false},
		{"20261126T093005", 0, false},
		{"20261326T093005Z", 0, false}, // month 13
		{"vm", 0, false},
		{"", 0, false},
		{".20261126T093005Z", 0, false},
	} {
		got, k, ok := ParseSetName(c.name)
		assert.Equal(t, c.ok, ok, c.name)
		if c.ok {
			assert.Equal(t, at, got, c.name)
			assert.Equal(t, c.k, k, c.name)
		}
	}
}

func TestParseSetNameAcceptsWhatPreserveCreates(t *testing.T) {
	src, dest := t.TempDir(), filepath.Join(t.TempDir(), "vm")
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	for range 2 {
		require.NoError(t, os.WriteFile(filepath.Join(src, "serial.log"), []byte("x"), 0o644))
		res, err := Preserve(src, dest, PreserveOptions{Now: now})
		require.NoError(t, err)
		got, _, ok := ParseSetName(filepath.Base(res.Dir))
		require.True(t, ok, res.Dir)
		assert.True(t, now.Equal(got))
	}
}

func TestParseSetNameForms(t *testing.T) {
	for name, want := range map[string]bool{
		"20261126T093005Z": true, "20261126T093005Z.2": true, "20261126T093005Z.10": true,
		"20261126T093005Z.1": false, "20261399T093005Z": false, "20261126T093005Z.02": false, "20261126T093005Z.": false,
		"20261126T093005Z.2.3": false, "20261126T093005": false, "20261126t093005Z": false,
		"20261126T093005Z\n": false, "": false, ".": false, "vm": false, "٢0261126T093005Z": false,
		"20261126T093005Z.10x": false, ".20261126T093005Z": false,
	} {
		_, _, ok := ParseSetName(name)
		assert.Equal(t, want, ok, "%q", name)
	}
}
