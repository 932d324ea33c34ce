package limaadapter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ShimMarker is a line every limactl-logkeep drop-in shim carries near its top.
// FindLimactl never resolves a file containing it as the real limactl, so a shim
// placed first on PATH cannot run itself.
const ShimMarker = "limactl-logkeep-shim"

// ErrNotRealLimactl means a candidate is a limactl-logkeep shim or limactl-logkeep
// itself, not Lima's limactl.
var ErrNotRealLimactl = errors.New("not the real limactl")

// ErrLimactlNotFound means no real limactl was found.
var ErrLimactlNotFound = errors.New("real limactl not found")

// FindLimactl returns the absolute path of Lima's real limactl:
//   - explicit (the --limactl flag) when non-empty; a shim there is an error;
//   - else $LIMACTL (Lima's own convention), unless it is a shim, which is skipped;
//   - else the first "limactl" in $PATH that is neither a shim nor this program.
//
// On Windows an executable is a file whose extension is in $PATHEXT (default
// .COM;.EXE;.BAT;.CMD), and the names tried in each $PATH directory are "limactl"
// with each of them ("limactl.exe", ...); --limactl and $LIMACTL name the file
// with its extension.
func FindLimactl(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		path, err := checkLimactl(explicit)
		if err != nil {
			return "", fmt.Errorf("--limactl %s: %w; point it at Lima's limactl", explicit, err)
		}
		return path, nil
	}
	if env := getenv("LIMACTL"); env != "" {
		if path, err := checkLimactl(env); err == nil {
			return path, nil
		} else if !errors.Is(err, ErrNotRealLimactl) {
			return "", fmt.Errorf("LIMACTL=%s: %w; unset it or point it at Lima's limactl", env, err)
		}
	}
	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		for _, name := range executableNames("limactl", getenv) {
			if path, err := checkLimactl(filepath.Join(dir, name)); err == nil {
				return path, nil
			}
		}
	}
	return "", fmt.Errorf("%w in PATH (shims skipped); install Lima, or give its path with --limactl or LIMACTL", ErrLimactlNotFound)
}

// checkLimactl returns the absolute path of candidate if it is an executable
// regular file (after following links) that is not a shim nor this program.
func checkLimactl(candidate string) (string, error) {
	path, err := filepath.Abs(candidate)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !info.Mode().IsRegular() || !isExecutable(path, info) {
		return "", fmt.Errorf("%s is not an executable file", path)
	}
	if self, err := os.Executable(); err == nil {
		if selfInfo, err := os.Stat(self); err == nil && os.SameFile(info, selfInfo) {
			return "", fmt.Errorf("%s is limactl-logkeep itself: %w", path, ErrNotRealLimactl)
		}
	}
	shim, err := isShim(path)
	if err != nil {
		return "", err
	}
	if shim {
		return "", fmt.Errorf("%s is a limactl-logkeep shim: %w", path, ErrNotRealLimactl)
	}
	return path, nil
}

// isShim reports whether the script at path carries ShimMarker in its first 4 KiB.
func isShim(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	head = head[:n]
	return bytes.HasPrefix(head, []byte("#!")) && bytes.Contains(head, []byte(ShimMarker)), nil
}
