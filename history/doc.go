// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package history reads and manages the logs limactl-logkeep keeps: the per-boot
// history of an instance (its active logs and numbered generations), the preserved
// sets of deleted or reset instances, how each boot went (its outcome, read through
// Store.ReadOutcome), bundles of both for bug reports and CI artifacts (with a summary,
// optionally redacted), and the retention of preserved sets.
//
// It knows nothing of Lima or of the command line: callers describe where things
// are with a Store (plain paths and small functions) and get plain values back.
// Compressed generations (".log.gz") are read transparently everywhere.
//
// Nothing here changes an instance directory. Prune is the only function that
// removes anything, and it removes only files of preserved sets (and Collect its
// own temporary file when it redacts).
package history
