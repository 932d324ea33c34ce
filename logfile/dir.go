package logfile

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openDir opens the directory dir (following a final symlink) for reading, locking or fsyncing.
// A non-directory fails with ENOTDIR. Unlike os.Open it does not offer the descriptor to the
// runtime's network poller, which refuses directories anyway, saving that round of system calls.
func openDir(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	for errors.Is(err, unix.EINTR) {
		fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// readDirNames lists dir's entry names, unsorted.
func readDirNames(dir string) ([]string, error) {
	f, err := openDir(dir)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	return names, nil
}

// readDirEntries lists dir's entries, unsorted, with their types.
func readDirEntries(dir string) ([]fs.DirEntry, error) {
	f, err := openDir(dir)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, fileErr("read directory", dir, "", err)
	}
	return entries, nil
}
