package logfile

import (
	"os"

	"golang.org/x/sys/windows"
)

// openRegular opens path read-only and checks that it is a regular file. It opens a final
// reparse point itself (FILE_FLAG_OPEN_REPARSE_POINT) instead of what it points to, so a symbolic
// link, junction or other reparse point is refused as not regular, never followed. Windows has no
// FIFOs in the filesystem, so nothing can block the open. The file is opened with Go's usual
// sharing (read and write, not delete): while it is open, it cannot be renamed or removed.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|windows.O_FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return nil, err
	}
	return keepIfRegular(f, path)
}
