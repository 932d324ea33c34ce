// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseStartAtLogin(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want StartAtLoginLine
		ok   bool
	}{
		{[]string{"start-at-login"}, StartAtLoginLine{"default", true}, true},
		{[]string{"start-at-login", "vm1"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"--debug", "start-at-login", "vm1", "--tty=false"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"start-at-login", "--enabled", "vm1"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"start-at-login", "--enabled=false", "vm1"}, StartAtLoginLine{"vm1", false}, true},
		{[]string{"start-at-login", "--enabled=0", "vm1"}, StartAtLoginLine{"vm1", false}, true},
		{[]string{"start-at-login", "--enabled=f", "vm1"}, StartAtLoginLine{"vm1", false}, true},
		{[]string{"start-at-login", "vm1", "--enabled=False"}, StartAtLoginLine{"vm1", false}, true},
		{[]string{"start-at-login", "--enabled=1", "vm1"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"autostart", "enable", "vm1"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"autostart", "enable", "--condition", "login", "vm1"}, StartAtLoginLine{"vm1", true}, true},
		{[]string{"autostart", "enable", "--condition=boot", "--user", "me", "vm1"}, StartAtLoginLine{"vm1", false}, true},
		{[]string{"autostart", "disable", "vm1"}, StartAtLoginLine{"vm1", false}, true},

		{[]string{"start-at-login", "--enabled=maybe", "vm1"}, StartAtLoginLine{}, false},
		{[]string{"start-at-login", "--help"}, StartAtLoginLine{}, false},
		{[]string{"start-at-login", "-h", "vm1"}, StartAtLoginLine{}, false},
		{[]string{"start-at-login", "vm1", "vm2"}, StartAtLoginLine{}, false},
		{[]string{"start-at-login", "--future", "vm1"}, StartAtLoginLine{}, false},
		{[]string{"start-at-login", "../vm1"}, StartAtLoginLine{}, false},
		{[]string{"autostart"}, StartAtLoginLine{}, false},
		{[]string{"autostart", "enable"}, StartAtLoginLine{}, false},
		{[]string{"autostart", "status", "vm1"}, StartAtLoginLine{}, false},
		{[]string{"autostart", "disable", "--condition=login", "vm1"}, StartAtLoginLine{}, false},
		{[]string{"autostart", "enable", "vm1", "vm2"}, StartAtLoginLine{}, false},
		{[]string{"start", "vm1"}, StartAtLoginLine{}, false},
	} {
		got, ok := parseStartAtLogin(SplitCommand(tc.argv), "linux")
		assert.Equal(t, tc.ok, ok, "%q", tc.argv)
		if tc.ok {
			assert.Equal(t, tc.want, got, "%q", tc.argv)
		}
	}
}

// Lima's autostart enable registers at login for any condition but boot on
// Linux, and only for login on macOS (where other values are refused).
func TestParseStartAtLoginCondition(t *testing.T) {
	inv := SplitCommand([]string{"autostart", "enable", "--condition=other", "vm1"})
	line, ok := parseStartAtLogin(inv, "linux")
	assert.True(t, ok)
	assert.True(t, line.Registers)
	line, ok = parseStartAtLogin(inv, "darwin")
	assert.True(t, ok)
	assert.False(t, line.Registers)
	line, _ = parseStartAtLogin(SplitCommand([]string{"autostart", "enable", "--condition=boot", "vm1"}), "darwin")
	assert.False(t, line.Registers, "a LaunchDaemon, not the start-at-login agent")
	line, _ = parseStartAtLogin(SplitCommand([]string{"autostart", "enable", "--condition=login", "vm1"}), "darwin")
	assert.True(t, line.Registers)
}
