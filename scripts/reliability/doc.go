// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package reliability is limactl-logkeep's reliability and security suite: it proves with numbers
// that keeping logs never loses one, and that hostile file layouts and arguments cannot turn the
// tool into a way to read or clobber other files.
//
// Everything is in its tests. `go test ./scripts/reliability` runs each scenario as an ordinary
// test that fails loudly, and TestMain prints one table at the end — scenario, trials, failures,
// logs lost, bytes lost — and fails the run when any failure or loss is not zero:
//
//   - crash consistency: the test binary re-executes itself as a small driver that calls
//     logfile.Preserve or logfile.Rotate and is killed with SIGKILL at random moments; every
//     original log must then be byte-identical in its old or its new place, no partial file may
//     carry a final name, and the next run must clean up and finish the job;
//   - concurrency: many limactl-logkeep processes (the built binary, $LOGKEEP_BIN) rotating,
//     starting and deleting the same instance at once;
//   - faults: EACCES, ENOSPC, EXDEV, EROFS, a file vanishing between listing and moving, a logs
//     directory that is a file;
//   - hostile input: malformed instance names and arguments, symbolic links, foreign set
//     directories, permissions;
//   - Lima version drift: instance directories as Lima 2 writes them.
//
// The suite runs as a non-root user (scripts/as-test-user). It needs $LOGKEEP_BIN, and the
// fixtures scripts/setup.sh prepares: $LOGKEEP_SMALL_TMPFS (a small tmpfs, for ENOSPC) and
// $LOGKEEP_READONLY_DIR (a read-only mount, for EROFS). A missing prerequisite skips its test
// loudly, and fails it when CI=true.
package reliability
