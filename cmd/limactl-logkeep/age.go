// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseAge parses the DURATION of prune --older-than: Go's syntax ("36h", "90m") or a
// whole number of days or weeks ("30d", "2w").
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 || time.Duration(n) > (1<<62)/unit {
				return 0, fmt.Errorf("%q is not a duration: use e.g. 30d, 2w or 36h", s)
			}
			return time.Duration(n) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration: use e.g. 30d, 2w or 36h", s)
	}
	return d, nil
}
