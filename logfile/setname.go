package logfile

import (
	"strconv"
	"strings"
	"time"
)

// ParseSetName parses the name of a set directory made by Preserve,
// "<UTC YYYYMMDDTHHMMSSZ>[.K]", and returns its time (UTC) and K (1 when there is no
// suffix). Any other name gives false, so callers can tell sets from anything else
// that lives next to them.
func ParseSetName(name string) (t time.Time, k int, ok bool) {
	if !isSetDirName(name) {
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

// isSetDirName reports whether name has the form of a set directory Preserve creates:
// 8 digits, "T", 6 digits, "Z", optionally "." and a number without a leading zero (the
// regular expression ^[0-9]{8}T[0-9]{6}Z(\.[1-9][0-9]*)?$, written out so that no pattern is
// compiled when the program starts).
func isSetDirName(name string) bool {
	stamp, suffix, hasSuffix := strings.Cut(name, ".")
	if len(stamp) != 16 || stamp[8] != 'T' || stamp[15] != 'Z' ||
		!allDigits(stamp[:8]) || !allDigits(stamp[9:15]) {
		return false
	}
	return !hasSuffix || (suffix != "" && suffix[0] != '0' && allDigits(suffix))
}

// allDigits reports whether s is made of ASCII digits only (true for "").
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
