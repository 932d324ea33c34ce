// Command limactl-logkeep keeps the logs of Lima instances that Lima deletes at
// every start and on delete. It runs as the Lima CLI plugin `limactl logkeep` and,
// through the scripts/limactl shim, as a drop-in wrapper for limactl.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
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
