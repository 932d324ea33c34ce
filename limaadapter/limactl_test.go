// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package limaadapter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failing limactl's error is one line: the command and limactl's last line of
// stderr, where its fatal error is.
func TestOutputErrorIsOneLine(t *testing.T) {
	limactl := filepath.Join(t.TempDir(), "limactl")
	script := "#!/bin/sh\necho 'time=\"x\" level=warning msg=\"noise\"' >&2\necho 'time=\"x\" level=fatal msg=\"no such instance\"' >&2\nexit 1\n"
	require.NoError(t, os.WriteFile(limactl, []byte(script), 0o755))
	_, err := Limactl{Path: limactl}.Output(context.Background(), "list", "--json", "vm")
	require.Error(t, err)
	assert.Equal(t, `failed to run limactl list --json vm: exit status 1: time="x" level=fatal msg="no such instance"`, err.Error())
}

func TestErrNoInstanceSaysItOnce(t *testing.T) {
	assert.EqualError(t, ErrNoInstance, "instance does not exist")
	assert.True(t, errors.Is(ErrNoInstance, os.ErrNotExist))
}
