package logfile

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// lockDir takes LockFileEx on dir's lock file (see LockDir), waiting while another holder has it.
func lockDir(dir string) (func() error, error) {
	d, err := openDir(dir) // the same ENOTDIR and not-exist errors as on Unix
	if err != nil {
		return nil, fileErr("lock directory", dir, "", err)
	}
	d.Close()
	path, err := lockFilePath(dir)
	if err != nil {
		return nil, fileErr("lock directory", dir, "", err)
	}
	h, err := openLockFile(path)
	if err != nil {
		return nil, fileErr("lock directory", dir, path, err)
	}
	err = windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, new(windows.Overlapped))
	if err != nil {
		windows.CloseHandle(h)
		return nil, fileErr("lock directory", dir, path, err)
	}
	return onceUnlock(dir, func() error {
		err := windows.UnlockFileEx(h, 0, 1, 0, new(windows.Overlapped))
		if cerr := windows.CloseHandle(h); err == nil {
			err = cerr
		}
		return err
	}), nil
}

// lockFilePath names dir's lock file: ".<name>.logkeep-lock" next to dir, links resolved.
func lockFilePath(dir string) (string, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(real)
	if parent == real { // a drive root
		return filepath.Join(real, ".logkeep-lock"), nil
	}
	return filepath.Join(parent, "."+filepath.Base(real)+".logkeep-lock"), nil
}

// openLockFile opens or creates the lock file at path, hidden, without following a reparse point
// there, shared so that others can open and lock it but not remove or rename it while it is open
// (a removal could let a second holder lock a new file of the same name).
func openLockFile(path string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return windows.InvalidHandle, err
	}
	return windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil,
		windows.OPEN_ALWAYS, windows.FILE_ATTRIBUTE_HIDDEN|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
}
