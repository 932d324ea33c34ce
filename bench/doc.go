// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package bench is limactl-logkeep's performance harness. It holds the Go benchmarks of rotation
// and cross-filesystem moves (go test -run '^$' -bench . ./bench) and the layout helpers they share
// with the drivers under cmd/: cmd/logkeep-bench runs each pair of commands interleaved and writes
// bench/RESULTS.md, cmd/mover calls logfile's MoveFile and Preserve, cmd/empty is the empty Go
// program start-up is compared with. `make bench` (scripts/bench.sh) runs them all; nothing here is
// part of the test command, and no timing is asserted anywhere but in ratios printed by a run.
package bench
