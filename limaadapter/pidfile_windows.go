// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"errors"
	"math"

	"golang.org/x/sys/windows"
)

// pidFilesDoubt says why pid files alone never decide an instance's status on
// Windows (see statusFromPIDFiles).
func pidFilesDoubt() error {
	return errors.New("on Windows pid files cannot tell: Lima's WSL2 driver writes none, Lima asks wsl.exe")
}

// stillActive is the exit code GetExitCodeProcess reports for a running process (STILL_ACTIVE).
const stillActive = 259

// processAlive reports whether process pid is running: OpenProcess, then
// GetExitCodeProcess. A process that cannot be opened for lack of rights
// (ERROR_ACCESS_DENIED, another user's) exists; one that exited with the code 259
// is taken for running, a limit of Windows' API.
func processAlive(pid int) (bool, error) {
	if pid > math.MaxUint32 {
		return false, nil
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	switch {
	case errors.Is(err, windows.ERROR_INVALID_PARAMETER): // no such process
		return false, nil
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return true, nil
	case err != nil:
		return false, err
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return false, err
	}
	return code == stillActive, nil
}
