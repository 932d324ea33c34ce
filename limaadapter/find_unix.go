//go:build unix

package limaadapter

import "io/fs"

// executableNames returns the file names under which a program called base is
// looked up in a $PATH directory: base itself.
func executableNames(base string, _ func(string) string) []string {
	return []string{base}
}

// isExecutable reports whether the file with info may be run: any execute bit set.
func isExecutable(_ string, info fs.FileInfo) bool {
	return info.Mode().Perm()&0o111 != 0
}
