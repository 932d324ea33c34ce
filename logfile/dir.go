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
