// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command mover is the benchmark driver of logfile's moves: it links logfile and nothing of Lima,
// so its wall time and peak memory are those of the primitives (plus a Go start-up).
//
//	mover preserve SRCDIR DESTPARENT   logfile.Preserve: every log of SRCDIR into a new set
//	mover move DESTDIR FILE...         logfile.MoveFile of each FILE into DESTDIR, like mv -t
//	mover rotate DIR KEEP LOG...       logfile.Rotate of the active logs LOG... in DIR, keeping
//	                                   KEEP generations: the rotation alone, without
//	                                   limactl-logkeep's CLI, logging, lock or status check
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"limactl-logkeep/logfile"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mover:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "preserve":
		res, err := logfile.Preserve(args[1], args[2], logfile.PreserveOptions{})
		if err != nil {
			return err
		}
		fmt.Printf("moved %d files to %s\n", len(res.Moved), res.Dir)
		return nil
	case len(args) >= 3 && args[0] == "move":
		for _, src := range args[2:] {
			if err := logfile.MoveFile(src, filepath.Join(args[1], filepath.Base(src))); err != nil {
				return err
			}
		}
		return nil
	case len(args) >= 4 && args[0] == "rotate":
		keep, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		_, err = logfile.Rotate(args[1], logfile.RotateOptions{Names: args[3:], MaxBackups: keep})
		return err
	}
	return fmt.Errorf("usage: mover preserve SRCDIR DESTPARENT | mover move DESTDIR FILE... | mover rotate DIR KEEP LOG...")
}
