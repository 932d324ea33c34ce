// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"limactl-logkeep/logfile"
)

// File is one kept file.
type File struct {
	Name       string    // file name in its directory: "serial.2.log.gz"
	Log        string    // the log it belongs to: "serial", "ha.stderr"; "" for lima.yaml
	Path       string    // absolute or as given by the Store
	Size       int64     // bytes on disk (compressed size for a ".gz")
	Modified   time.Time // modification time
	Compressed bool      // a ".log.gz" generation, read through gunzip
}

// newFile describes the file name in dir, of size bytes, last modified at modified, and read
// through gunzip when compressed; Log is the log it belongs to (logOf).
func newFile(dir, name string, size int64, modified time.Time, compressed bool) File {
	return File{Name: name, Log: logOf(name), Path: filepath.Join(dir, name), Size: size,
		Modified: modified, Compressed: compressed}
}

// logOf names the log a file of an instance or a preserved set belongs to:
// "serial" for serial.log, serial.3.log and serial.3.log.gz, "" for any other
// file (lima.yaml).
func logOf(name string) string {
	if g, ok := logfile.ParseGeneration(name); ok {
		return g.Base
	}
	base, _ := logfile.ActiveBase(name)
	return base
}

// statFile describes the regular file name in dir for a listing, Compressed when
// its name ends in ".gz" (as logfile.OpenLog decides); ok is false for a missing
// or non-regular file.
func statFile(dir, name string) (File, bool, error) {
	path := filepath.Join(dir, name)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return File{}, false, nil
	} else if err != nil {
		return File{}, false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return File{}, false, nil
	}
	return newFile(dir, name, fi.Size(), fi.ModTime(), strings.HasSuffix(name, ".gz")), true, nil
}
