// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLogBaseAndLogName(t *testing.T) {
	require.Equal(t, "ha.stderr", LogBase("ha.stderr.log"))
	require.Equal(t, "lima.yaml", LogBase("lima.yaml"))
	for _, name := range LogNames {
		got, ok := LogName(LogBase(name))
		require.True(t, ok, name)
		require.Equal(t, name, got)
	}
	_, ok := LogName("serial.log")
	require.False(t, ok, "a file name is not a short name")
	_, ok = LogName("lima")
	require.False(t, ok)
}
