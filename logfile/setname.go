// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseSetName parses the name of a set directory made by Preserve,
// "<UTC YYYYMMDDTHHMMSSZ>[.K]", and returns its time (UTC) and K (1 when there is no
// suffix). Any other name gives false, so callers can tell sets from anything else
// that lives next to them.
func ParseSetName(name string) (t time.Time, k int, ok bool) {
	if !setDirName.MatchString(name) {
		return time.Time{}, 0, false
	}
	stamp, suffix, hasK := strings.Cut(name, ".")
	t, err := time.Parse(setTimeLayout, stamp)
	if err != nil {
		return time.Time{}, 0, false
	}
	k = 1
	if hasK {
		if k, err = strconv.Atoi(suffix); err != nil || k < 2 {
			return time.Time{}, 0, false
		}
	}
	return t.UTC(), k, true
}

// setDirName is the form of a set directory Preserve creates, "<UTC YYYYMMDDTHHMMSSZ>[.K]".
var setDirName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z(\.[1-9][0-9]*)?$`)
