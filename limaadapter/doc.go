// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package limaadapter is the only part of limactl-logkeep that knows Lima.
//
// It serves Lima v2.2.0 first and still v1.2.1, whose instances have the same
// layout. It resolves LIMA_HOME, instance directories and file names, and
// validates instance names, with Lima v2's own light packages
// (pkg/limatype/dirnames, pkg/limatype/filenames, pkg/identifiers), so paths and
// names are exactly limactl's. It tells whether an instance exists, runs or is
// protected from the files Lima's store reads (lima.yaml, protected, ha.pid and
// the driver's pid file), asking the real limactl (`limactl list --json`)
// whenever those leave a doubt; it tells how a boot went from its host agent's
// events (ha.stdout.log, read with Lima's pkg/hostagent/events types) and
// ha.stderr.log; it parses limactl command lines the way the
// flag sets of both Lima versions do, and finds and runs the real limactl.
//
// It deliberately does not import Lima's pkg/store, pkg/limatmpl, pkg/limayaml,
// cmd/limactl/editflags or anything else that links Lima's YAML stack or cobra:
// Go runs the initialisation of every linked package on every start, and those
// packages would make each limactl-logkeep command, even a pass-through one, pay
// for them (see bench/FINDINGS.md). The few rules taken from them (the name of an
// instance made from a template locator, the instance list, the flags of
// `limactl start`, `create`, `edit`, `clone` and `rename`) are held to Lima's
// functions and to each real limactl's --help by this package's tests, and
// `make lint` fails if the binary links them again.
package limaadapter
