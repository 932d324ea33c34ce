// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package agent is limactl-logkeep's agent: a per-user process that watches Lima homes and keeps
// every boot of every instance in them, whatever boots it (limactl by any path, a program that
// embeds Lima's pkg/instance, start-at-login), with no wrapper in front of limactl. Events come in
// (fsnotify); out come the same numbered generations (serial.N.log, ...) and preserved sets
// (_logkeep/<instance>/<time>/) that the hooks make, through logfile and limaadapter.
//
// # How nothing depends on winning a race
//
// The agent keeps a hard link of every log of every instance (active logs and generations) and
// of its lima.yaml in a store of its own, <logs dir>/.agent/<instance>/, on the same filesystem
// (a logs directory on another filesystem than the home is refused at start). A link is made as
// soon as a file appears; what Lima unlinks (the host agent's logs at a start, QEMU's serial logs
// a little later, the whole directory on delete) therefore stays whole in the store, however
// late the agent is.
//
// The start signal is the removal (or renaming away) of ha.stdout.log, the first thing Lima's
// start does. At that signal, under the instance's directory lock (logfile.WithDirLock, the lock
// the hooks take), the agent
//
//  1. moves out of the instance directory, into its store, the old boot's logs that the new boot
//     would truncate or append to in place (VZ's serialv.log, driver.stderr.log, krunkit.log,
//     ...: limaadapter.RecreatedAtStart says which are not), but only a file that is the very
//     file it had linked before the signal, so a new boot's file is never taken;
//  2. renames, in its store only, the links of the old boot's active logs to generation N
//     (N = 1 + the highest generation in the instance directory and the store), and notes N as
//     pending in the store (.pending).
//
// Nothing is added to the instance directory at that moment: the signal may be a delete (Lima's
// RemoveAll) as well as a start, and an entry added to a directory being removed would make
// `limactl delete` fail. When the start is confirmed (the new ha.stdout.log appears, or any
// other log), the pending generation is linked into the instance directory (serial.N.log,
// ha.stderr.N.log, ...) and pruned or compressed like the hooks' rotation (logfile.Housekeep),
// the store following. The fresh ha.stdout.log and ha.stderr.log of a boot in progress are
// never renamed (`limactl start` waits for them by name).
//
// The one window that remains is a log truncated in place (VZ's serialv.log) or appended to
// (driver.stderr.log, krunkit.log) by the new boot's driver before the agent has acted on the
// signal: Lima starts the driver only after its host agent is up, hundreds of milliseconds after
// the signal on real hardware.
//
// # Deletion, catch-up, one rule
//
// When an instance directory is removed by anything, the store's links are, with keep-logs, a
// preserved set <logs dir>/<instance>/<UTC time>/ made by logfile.Preserve, exactly as the delete
// hook makes it; without keep-logs they are removed and nothing is left. A renamed instance
// (limactl rename) takes its store along. When the agent starts (after a crash, a reboot, an
// upgrade) it finds its place again from the files alone: links that match files in the instance
// directory (by inode) are current; links whose file Lima removed are the last boot's and become
// a generation; a start in progress (limaadapter.StartInProgress), or one that began while it
// was not running, is treated as the signal, a log the new boot has written to since its
// ha.stdout.log was made (its modification time against that file's birth time) staying the new
// boot's. Every
// change to an instance directory is made under its directory lock and decided from what is on
// disk, so with the hooks also in use each boot still gives exactly one generation.
package agent
