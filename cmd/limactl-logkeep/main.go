// Command limactl-logkeep keeps the logs of Lima instances that Lima deletes at
// every start and on delete. It runs as the Lima CLI plugin `limactl logkeep` and,
// through the scripts/limactl shim, as a drop-in wrapper for limactl.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"limactl-logkeep/hooks"
	"limactl-logkeep/limaadapter"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	if len(os.Args) > 1 && os.Args[1] == "wrap" {
		execPassThrough(os.Args[2:])
	}
	app := newApp()
	if err := app.Run(os.Args); err != nil {
		var exit cli.ExitCoder
		if errors.As(err, &exit) {
			if msg := err.Error(); msg != "" {
				fmt.Fprintln(os.Stderr, "limactl-logkeep:", msg)
			}
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "limactl-logkeep:", err)
		os.Exit(1)
	}
}

// execPassThrough is the short way of `limactl-logkeep wrap ARGS` (no global
// option before wrap) for a limactl command without hooks: it execs the real
// limactl before the CLI is even built, which is what the full path would do
// anyway. It returns when it cannot, and the full path then runs and reports why.
func execPassThrough(argv []string) {
	if !hooks.PassesThrough(argv) {
		return
	}
	path, err := limaadapter.FindLimactl("", os.Getenv)
	if err != nil {
		return
	}
	_ = limaadapter.Limactl{Path: path}.Exec(argv...)
}
