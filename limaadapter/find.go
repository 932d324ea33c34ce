// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
)

// ShimMarker is a line every limactl-logkeep drop-in shell shim (scripts/limactl)
// carries near its top. FindLimactl never resolves a script containing it as the
// real limactl, so a shim placed first on PATH cannot run itself.
const ShimMarker = "limactl-logkeep-shim"

// EntryMarker is a line the plugin entry scripts/limactl-logkeep carries near its
// top: the small sh script `make install` puts where Lima 2 looks for plugins,
// which execs limactl-logkeep. FindLimactl never resolves it as the real
// limactl either.
const EntryMarker = "limactl-logkeep-entry"

// ErrNotRealLimactl means a candidate is a limactl-logkeep shim or limactl-logkeep
// itself, not Lima's limactl.
var ErrNotRealLimactl = errors.New("not the real limactl")

// ErrLimactlNotFound means no real limactl was found.
var ErrLimactlNotFound = errors.New("real limactl not found")

// FindLimactl returns the absolute path of Lima's real limactl:
//   - explicit (the --limactl flag) when non-empty; a shim there is an error;
//   - else $LIMACTL (Lima's own convention), unless it is a shim, which is skipped;
//     a bare name without a directory (LIMACTL=limactl, as Lima's lima script
//     exports it) is looked up in $PATH like the default;
//   - else the first "limactl" in $PATH that is neither a shim nor this program.
//
// A shim is the sh script carrying ShimMarker (or the plugin entry, carrying
// EntryMarker), or the binary shim: limactl-logkeep
// itself under the name limactl (IsShimName), as a link or a copy. The running
// executable is recognised by identity (os.SameFile), and any other Go program of
// limactl-logkeep's module (a copy, another version) by the module path the Go
// toolchain compiles into every binary (its build info), so FindLimactl never
// returns a file that would run limactl-logkeep again.
//
// On Windows an executable is a file whose extension is in $PATHEXT (default
// .COM;.EXE;.BAT;.CMD), and the names tried in each $PATH directory are "limactl"
// with each of them ("limactl.exe", ...); --limactl and $LIMACTL name the file
// with its extension.
func FindLimactl(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		path, err := checkLimactl(explicit)
		if err != nil {
			return "", fmt.Errorf("--limactl %s: %w", explicit, err)
		}
		return path, nil
	}
	command := "limactl"
	if env := getenv("LIMACTL"); env != "" && filepath.Base(env) == env {
		command = env // a bare name, as Lima's lima script exports it: looked up on PATH like a shell does
	} else if env != "" {
		if path, err := checkLimactl(env); err == nil {
			return path, nil
		} else if !errors.Is(err, ErrNotRealLimactl) {
			return "", fmt.Errorf("LIMACTL=%s: %w (Hint: unset it, or point it at Lima's limactl)", env, err)
		}
	}
	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		for _, name := range executableNames(command, getenv) {
			if path, err := checkLimactl(filepath.Join(dir, name)); err == nil {
				return path, nil
			}
		}
	}
	return "", fmt.Errorf("%w: no %q in PATH (shims skipped)", ErrLimactlNotFound, command)
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
	kind, err := shimKind(path)
	if err != nil {
		return "", err
	}
	if kind != "" {
		return "", fmt.Errorf("%s is %s: %w", path, kind, ErrNotRealLimactl)
	}
	return path, nil
}

// shimKind says what limactl-logkeep shim the file at path is ("" when none): a
// script carrying ShimMarker or EntryMarker in its first 4 KiB, or a Go executable built from
// limactl-logkeep's own module (a copy of limactl-logkeep, whatever its name).
func shimKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte("#!")) {
		if bytes.Contains(head, []byte(ShimMarker)) {
			return "a limactl-logkeep shim script", nil
		}
		if bytes.Contains(head, []byte(EntryMarker)) {
			return "the limactl-logkeep plugin entry script", nil
		}
		return "", nil
	}
	if isOwnModule(f) {
		return "a copy of limactl-logkeep (the binary shim)", nil
	}
	return "", nil
}

// isOwnModule reports whether the executable r is a Go program of the same main
// module as the running one. A file that is not a Go executable is not.
func isOwnModule(r io.ReaderAt) bool {
	self, ok := debug.ReadBuildInfo()
	if !ok || self.Main.Path == "" {
		return false
	}
	info, err := buildinfo.Read(r)
	return err == nil && info.Main.Path == self.Main.Path
}
