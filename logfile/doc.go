// Package logfile holds the filesystem primitives of limactl-logkeep: numbered log generations
// (rotate, prune, compress, list), preserving a directory's logs into a new set directory, crash-safe
// moves and copies, a directory lock, and reading logs (tail, follow, transparent gunzip).
//
// It knows nothing of Lima: callers pass directories and file names. Every primitive keeps one
// promise above all others: no code path deletes, truncates or overwrites a log that is to be kept.
// Renames never replace an existing file; symbolic links and other non-regular files are never
// followed, copied, renamed or renamed over; a failure or crash at any point leaves each log whole
// in its old place or its new place (a cross-filesystem move may leave it whole in both).
//
// Mutating functions expect the caller to hold LockDir on the directory they change, so that two
// processes never rotate or preserve the same directory at once.
package logfile
