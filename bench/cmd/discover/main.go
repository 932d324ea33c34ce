// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command discover times Lima 2.2's own plugin discovery (pkg/plugins.Discover, which limactl
// runs at every start, whatever the command) in the process that runs it, without the process's
// start-up: `discover LIMACTL` takes LIMACTL as limactl's path (os.Args[0], from which Lima
// finds its directory and prefix) and prints the nanoseconds Discover took and the plugins it
// found. logkeep-bench's plugin section runs it in each install layout.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/lima-vm/lima/v2/pkg/plugins"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: discover LIMACTL")
		os.Exit(2)
	}
	os.Args = os.Args[1:]
	began := time.Now()
	found, err := plugins.Discover()
	took := time.Since(began)
	if err != nil {
		fmt.Fprintln(os.Stderr, "discover:", err)
		os.Exit(1)
	}
	fmt.Println(took.Nanoseconds(), len(found))
}
