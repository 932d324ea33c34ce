// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package limaadapter

import (
	"io/fs"
	"path/filepath"
)

// executableNames returns the file names under which a program called base is
// looked up in a $PATH directory: base itself.
func executableNames(base string, _ func(string) string) []string {
	return []string{base}
}

// isExecutable reports whether the file with info may be run: any execute bit set.
func isExecutable(_ string, info fs.FileInfo) bool {
	return info.Mode().Perm()&0o111 != 0
}

// IsShimName reports whether arg0 (a program's os.Args[0]) names the binary
// shim: limactl-logkeep run under the name "limactl" (a link or copy placed
// first on PATH), which then acts as `limactl-logkeep wrap`.
func IsShimName(arg0 string) bool {
	return filepath.Base(arg0) == "limactl"
}
