// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package logfile holds the filesystem primitives of limactl-logkeep: numbered log generations
// (rotate, prune, compress, list), preserving a directory's logs into a new set directory, crash-safe
// moves and copies, a directory lock, and reading logs (tail, follow, transparent gunzip).
//
// It knows nothing of Lima: callers pass directories and file names. Every primitive keeps one
// promise above all others: no code path deletes, truncates or overwrites a log that is to be kept.
// Renames never replace an existing file (the one exception is AtomicFile.Commit(true), which a
// caller asks for to replace an output it writes, such as a bundle, never a log); symbolic links and other non-regular files are never
// followed, copied, renamed or renamed over (a hard link is a regular file: renamed, moved or copied
// as one name, never written through, its other names untouched); a failure or crash at any point leaves each log whole
// in its old place or its new place (a cross-filesystem move may leave it whole in both).
//
// Mutating functions expect the caller to hold WithDirLock on the directory they change, so that two
// processes never rotate or preserve the same directory at once.
//
// The same guarantees hold on Linux, macOS and Windows, with these differences on Windows (where
// the package is compiled and vetted, its tests compiled, but nothing has been run): the no-replace
// rename is MoveFileEx without MOVEFILE_REPLACE_EXISTING; a reparse point (symbolic link, junction
// or other) is not a regular file, and is opened itself (FILE_FLAG_OPEN_REPARSE_POINT), never
// followed; a directory cannot be
// fsynced, so after a crash the last renames may be undone, each file then whole under its previous
// name (see syncDir); WithDirLock locks a file next to the directory (see WithDirLock); an open log
// cannot be renamed unless its writer shared it for deletion: such a rename fails and says so.
package logfile
