// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsInstanceEntry(t *testing.T) {
	for name, typ := range map[string]fs.FileMode{"default": fs.ModeDir, "my-vm.2": fs.ModeDir} {
		assert.True(t, IsInstanceEntry(name, typ), name)
	}
	for _, c := range []struct {
		name string
		typ  fs.FileMode
	}{
		{"_config", fs.ModeDir}, {"_logkeep", fs.ModeDir}, {".hidden", fs.ModeDir}, {"vm", 0},
		{"vm", fs.ModeSymlink}, {"vm", fs.ModeDir | fs.ModeSymlink}, {"bad name", fs.ModeDir}, {"x.yaml", fs.ModeDir},
	} {
		assert.False(t, IsInstanceEntry(c.name, c.typ), "%q %v", c.name, c.typ)
	}
}

func TestLogRolesAtStart(t *testing.T) {
	assert.Equal(t, "ha.stdout.log", StartSignalLog)
	assert.True(t, RecreatedAtStart("ha.stdout.log"))
	assert.True(t, RecreatedAtStart("ha.stderr.log"))
	assert.Equal(t, []string{"serial.log", "serialp.log", "serialv.log", "driver.stderr.log", "krunkit.log",
		"launchd.stdout.log", "launchd.stderr.log"}, InPlaceLogs())
	assert.Len(t, LogNames, 9, "InPlaceLogs does not change LogNames")
	for _, name := range []string{"lima.yaml", "serial.log", "serial.3.log", "serial.3.log.gz", "other.log"} {
		assert.True(t, IsLogOrConfig(name), name)
	}
	for _, name := range []string{"ha.pid", "lima.yml", ".serial.log.tmp-0123456789abcdef", ".x.log", "serial.log.moving", "cidata.iso"} {
		assert.False(t, IsLogOrConfig(name), name)
	}
	assert.Equal(t, filepath.Join("h", "_logkeep"), LogsDirOf("h"))
}
