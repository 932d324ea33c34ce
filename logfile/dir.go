// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
)

// readDirNames lists dir's entry names, unsorted.
func readDirNames(dir string) ([]string, error) {
	return readDir(dir, func(f *os.File) ([]string, error) { return f.Readdirnames(-1) })
}

// readDirEntries lists dir's entries, unsorted, with their types.
func readDirEntries(dir string) ([]fs.DirEntry, error) {
	return readDir(dir, func(f *os.File) ([]fs.DirEntry, error) { return f.ReadDir(-1) })
}

// readDir opens dir and lists it with list; errors are *FileError.
func readDir[T any](dir string, list func(*os.File) ([]T, error)) ([]T, error) {
	f, err := openDir(dir)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	defer f.Close()
	all, err := list(f)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	return all, nil
}
