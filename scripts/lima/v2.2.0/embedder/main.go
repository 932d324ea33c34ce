// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Command lima-embedder boots, stops and deletes a Lima instance through Lima v2.2.0's Go
// packages, as a program that embeds Lima does (Rancher Desktop's daemon): pkg/store and
// pkg/instance (StartWithPaths, StopGracefully, Delete), with its own copy of limactl as the host
// agent. No limactl command line runs, so no wrapper can see the boot. It exists for
// limactl-logkeep's end-to-end tests only (scripts/e2e), built from this pinned module by
// scripts/setup.sh, and is never linked into limactl-logkeep.
//
//	lima-embedder -limactl PATH start|stop|delete INSTANCE     (LIMA_HOME from the environment)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/lima-vm/lima/v2/pkg/instance"
	"github.com/lima-vm/lima/v2/pkg/store"

	_ "github.com/lima-vm/lima/v2/pkg/driver/qemu" // as limactl registers its drivers
)

func main() {
	limactl := flag.String("limactl", "", "the limactl that runs the host agent (`limactl hostagent`)")
	flag.Parse()
	if flag.NArg() != 2 || *limactl == "" {
		fmt.Fprintln(os.Stderr, "usage: lima-embedder -limactl PATH start|stop|delete INSTANCE")
		os.Exit(2)
	}
	if err := run(context.Background(), *limactl, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "lima-embedder:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, limactl, cmd, name string) error {
	inst, err := store.Inspect(ctx, name)
	if err != nil {
		return err
	}
	switch cmd {
	case "start":
		return instance.StartWithPaths(ctx, inst, false, false, limactl, "")
	case "stop":
		return instance.StopGracefully(ctx, inst, false)
	case "delete":
		return instance.Delete(ctx, inst, true)
	}
	return fmt.Errorf("unknown command %q", cmd)
}
