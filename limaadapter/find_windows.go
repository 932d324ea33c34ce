// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// defaultPathExt is what Windows uses when PATHEXT is not set.
const defaultPathExt = ".COM;.EXE;.BAT;.CMD"

// executableNames returns the file names under which a program called base is
// looked up in a $PATH directory: base with each extension of $PATHEXT, as
// Windows (and Lima's plugin lookup) does.
func executableNames(base string, getenv func(string) string) []string {
	if slices.Contains(pathExts(getenv("PATHEXT")), strings.ToLower(filepath.Ext(base))) {
		return []string{base} // already named with its extension: limactl.exe
	}
	var names []string
	for _, ext := range pathExts(getenv("PATHEXT")) {
		names = append(names, base+ext)
	}
	return names
}

// isExecutable reports whether path may be run: Windows has no execute bits, an
// executable is a file whose extension is in $PATHEXT.
func isExecutable(path string, _ fs.FileInfo) bool {
	return slices.Contains(pathExts(os.Getenv("PATHEXT")), strings.ToLower(filepath.Ext(path)))
}

// pathExts returns the lower-case extensions listed in pathext, or Windows'
// default ones when it lists none.
func pathExts(pathext string) []string {
	var exts []string
	for _, ext := range strings.Split(strings.ToLower(pathext), ";") {
		if ext = strings.TrimSpace(ext); ext != "" {
			if !strings.HasPrefix(ext, ".") {
				ext = "." + ext
			}
			exts = append(exts, ext)
		}
	}
	if len(exts) == 0 {
		return pathExts(defaultPathExt)
	}
	return exts
}

// IsShimName reports whether arg0 (a program's os.Args[0]) names the binary
// shim: limactl-logkeep run under the name "limactl.exe" (a copy placed first
// on PATH; the extension may be left out and the case differ, as Windows
// allows), which then acts as `limactl-logkeep wrap`.
func IsShimName(arg0 string) bool {
	base := filepath.Base(arg0)
	return strings.EqualFold(base, "limactl.exe") || strings.EqualFold(base, "limactl")
}
