// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import "os"

// fileID is unused on Windows: files found by os.SameFile.
type fileID struct{}

// idOf gives no identity on Windows (os.SameFile needs the file's path there).
func idOf(os.FileInfo) (fileID, bool) { return fileID{}, false }

// sameFilesystem is never reached on Windows (Check returns ErrUnsupported first).
func sameFilesystem(a, b string) (bool, error) { return false, ErrUnsupported }
