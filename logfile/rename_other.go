// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix && !linux && !darwin

package logfile

// renameNoReplace renames oldpath to newpath unless newpath exists. This platform has no atomic
// no-replace rename here, so the check and the rename are two steps, race-free only under the
// caller's directory lock.
func renameNoReplace(oldpath, newpath string) error {
	return renameCheckThenRename(oldpath, newpath)
}
