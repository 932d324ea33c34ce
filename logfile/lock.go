package logfile

import "sync"

// LockDir takes an exclusive lock on the directory dir, waiting as long as another process (or
// another LockDir call in this process) holds it. A symlink to a directory locks that directory;
// a non-directory fails with ENOTDIR. The lock is released by calling unlock (safe to call more
// than once) or when the process exits, so a crashed holder never leaves a stale lock. The lock is
// not inherited by child processes and not held across an exec. Locks are advisory: they exclude
// only other LockDir callers.
//
// On Unix it is flock(2) on dir's own close-on-exec descriptor: no lock file is created, so the
// directory is left exactly as it was.
//
// On Windows a directory's handle cannot carry a byte-range lock, so, as Lima's own lockutil does,
// the lock is LockFileEx on a lock file next to the directory: ".<name>.logkeep-lock" in dir's
// parent (dir's drive root itself: ".logkeep-lock" inside it), named after dir with its links
// resolved. The file is created at the first lock and never removed (removing it would let two
// holders lock two different files); its name starts with a dot, so neither Lima nor limactl-logkeep
// takes it for an instance or a set. The handle is not inheritable.
func LockDir(dir string) (unlock func() error, err error) {
	return lockDir(dir)
}

// onceUnlock returns an unlock function that calls release once, turning its error into a
// *FileError naming dir, and returns that same error on later calls.
func onceUnlock(dir string, release func() error) func() error {
	var once sync.Once
	var uerr error
	return func() error {
		once.Do(func() {
			if uerr = release(); uerr != nil {
				uerr = fileErr("unlock directory", dir, "", uerr)
			}
		})
		return uerr
	}
}
