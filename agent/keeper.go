// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// settings are what the agent keeps: the hooks' global options.
type settings struct {
	MaxBackups int  // generations kept per instance (>= 1 unless KeepLogs)
	KeepLogs   bool // prune nothing; preserve the logs of a removed instance
	Compress   bool // gzip generations older than the newest
	Log        logrus.FieldLogger
	Now        func() time.Time
	// startInProgress is limaadapter.StartInProgress (tests may replace it).
	startInProgress func(dir string, now time.Time) bool
	// kept, when set, is told each generation made (n > 0) and each set preserved (set != "").
	kept func(instance string, n int, set string)
}

func (s *settings) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// keeper keeps the logs of one instance: the instance directory dir, the agent's store of links
// store (on the same filesystem), and the preserved sets under setsDir. Its methods are called
// from one goroutine at a time (the instance's worker); they take dir's lock when they change
// dir, and only the agent changes store.
type keeper struct {
	name    string
	dir     string
	store   string
	setsDir string // <logs dir>/<name>
	s       *settings
}

func (k *keeper) log() logrus.FieldLogger { return k.s.Log }

func (k *keeper) dpath(name string) string { return filepath.Join(k.dir, name) }
func (k *keeper) spath(name string) string { return filepath.Join(k.store, name) }

// warn logs err, which names its file, for this instance.
func (k *keeper) warn(err error) {
	if err != nil {
		k.log().Warnf("instance %q: %v", k.name, err)
	}
}

// lockDir runs fn under the instance directory's lock, the one the hooks take. A directory that
// is gone (deleted) gives errGone, and fn does not run.
func (k *keeper) lockDir(fn func() error) error {
	err := logfile.WithDirLock(k.dir, fn)
	if errors.Is(err, logfile.ErrNotLocked) && errors.Is(err, os.ErrNotExist) {
		return errGone
	}
	return err
}

// errGone means the instance directory no longer exists.
var errGone = errors.New("instance directory is gone")

// open prepares the store: it creates it, and when it belongs to another directory of the same
// name (the instance was deleted and made again while the agent was not running), it first keeps
// the old store's logs as that deleted instance's (preserveAll). It returns errGone when the
// instance directory does not exist.
func (k *keeper) open() error {
	id, err := dirIdentity(k.dir)
	if errors.Is(err, os.ErrNotExist) {
		return errGone
	} else if err != nil {
		return fmt.Errorf("cannot read instance directory %s: %w", k.dir, err)
	}
	old, err := os.ReadFile(k.spath(identityFile))
	switch {
	case err == nil && string(old) == id:
		return nil
	case err == nil:
		k.log().Infof("Instance %q was deleted and made again while the agent was not running", k.name)
		if err := k.preserveAll(); err != nil {
			return err
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("cannot read %s: %w", k.spath(identityFile), err)
	}
	if err := os.MkdirAll(k.store, 0o700); err != nil {
		return fmt.Errorf("cannot create the agent's store %s: %w", k.store, err)
	}
	return writeFileAtomic(k.spath(identityFile), []byte(id))
}

// catchUp finds the agent's place again from the files alone, when it starts watching the
// instance (at the agent's start, for a new instance, or after events were lost). It never adds
// anything to the instance directory unless a start is in progress (so never during a delete);
// the pending generations are linked in by the next settle, which the caller runs a little later.
func (k *keeper) catchUp() error {
	return k.lockDir(func() error {
		if err := k.cleanAndFollow(); err != nil {
			return err
		}
		if k.s.startInProgress(k.dir, k.s.now()) {
			return k.catchUpStart()
		}
		s, d, err := k.read()
		if err != nil {
			return err
		}
		if k.startBegun(s, d) {
			// A start began while the agent was not running (its host agent is up by now): what
			// the store links and the directory no longer has, and the in-place logs the new
			// boot has not written to yet, are the last boot's.
			k.warn(k.signalLocked(true))
		} else if only := k.storeOnly(s, d); len(only) > 0 {
			k.warn(k.commitInStore(only, true)) // removed by hand: kept with the boot they were in
		}
		return k.linkNew()
	})
}

// catchUpStart is catchUp for an instance whose start is in progress (its host agent is not up,
// so no driver has touched its logs yet): the store's active links and the logs they match are
// the last boot's, and become a generation at once (nothing is being deleted). Logs the agent
// never linked (it was not running during that boot) become the next generation.
func (k *keeper) catchUpStart() error {
	k.warn(k.signalLocked(true))
	k.warn(k.commitLocked(true))
	s, d, err := k.read()
	if err != nil {
		return err
	}
	var unlinked []string
	for _, name := range limaadapter.InPlaceLogs() {
		if dfi, ok := d.m[name]; ok {
			if _, linked := s.find(dfi); !linked {
				// Not one the new boot made or wrote to already (its driver may have started
				// since startInProgress was asked).
				if _, taken := s.m[name]; !taken && k.lastBoots(dfi, true) && k.s.startInProgress(k.dir, k.s.now()) {
					unlinked = append(unlinked, name)
				}
			}
		}
	}
	if len(unlinked) > 0 {
		for _, name := range unlinked {
			k.warn(logfile.Link(k.dpath(name), k.spath(name)))
		}
		k.warn(k.signalLocked(false))
		k.warn(k.commitLocked(true))
	}
	return k.linkNew()
}

// signal is the start signal: ha.stdout.log was removed or renamed away. See signalLocked.
func (k *keeper) signal() error {
	return k.lockDir(func() error { return k.signalLocked(false) })
}

// signalLocked moves the last boot's in-place logs out of the instance directory (those the new
// boot's driver would truncate or append to; a file is moved only if it is the very file the
// store links, so never a new boot's), then makes every active link of the store generation N
// in the store and notes N as pending. Nothing is added to the instance directory. With join, the
// links join the newest pending generation instead when their names are free there (catch-up of
// a signal that was interrupted).
func (k *keeper) signalLocked(join bool) error {
	// First what cannot wait, with a few lstats (the directory may hold many generations).
	dha, dhaErr := os.Lstat(k.dpath(limaadapter.StartSignalLog))
	if sha, err := os.Lstat(k.spath(limaadapter.StartSignalLog)); err == nil && dhaErr == nil && os.SameFile(sha, dha) {
		return nil // the store links the new ha.stdout.log already: this signal was acted on (settle)
	}
	started, haveStart := time.Time{}, false
	if dhaErr == nil { // Lima made the new one already
		started, haveStart = birthTime(k.dpath(limaadapter.StartSignalLog))
	}
	for _, name := range limaadapter.InPlaceLogs() {
		dfi, err := os.Lstat(k.dpath(name))
		if err != nil || !dfi.Mode().IsRegular() {
			continue
		}
		sfi, err := os.Lstat(k.spath(name))
		if err != nil || !os.SameFile(dfi, sfi) {
			continue
		}
		if haveStart && dfi.ModTime().After(started) {
			// Written since the new ha.stdout.log was made: the new boot's driver truncated it
			// or appended to it already. It is the new boot's now, and stays.
			k.log().Warnf("instance %q: %s was taken by the new boot before it could be set aside", k.name, name)
			continue
		}
		k.warn(k.moveOut(name, sfi))
	}
	s, d, err := k.read()
	if err != nil {
		return err
	}
	k.follow(s, d) // what the hooks rotated is not the store's to number
	if s, err = readFiles(k.store); err != nil {
		return err
	}
	var actives []string
	for _, name := range s.sortedNames() {
		if isActive(name) {
			actives = append(actives, name)
		}
	}
	return k.commitInStore(actives, join)
}

// moveOut takes the in-place log name out of the instance directory: it is renamed into the
// store under a temporary name, and dropped there when it is the store's link sfi (which keeps
// it). If another file was there by then (a new boot's, created in between), it is put back.
func (k *keeper) moveOut(name string, sfi os.FileInfo) error {
	tmp := k.spath(name + movingSuffix)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove leftover %s: %w", tmp, err)
	}
	err := logfile.RenameRegular(k.dpath(name), tmp)
	if errors.Is(err, os.ErrNotExist) {
		return nil // removed meanwhile (by Lima): the store keeps it
	} else if err != nil {
		return err
	}
	mfi, err := os.Lstat(tmp)
	if err == nil && os.SameFile(mfi, sfi) {
		return os.Remove(tmp)
	}
	if err := logfile.RenameRegular(tmp, k.dpath(name)); err != nil {
		return fmt.Errorf("a new %s appeared as it was moved aside, and could not be put back (it is %s): %w", name, tmp, err)
	}
	return nil
}

// cleanMoving finishes moves that were interrupted: a file whose link is in the store is
// dropped, another one goes back to the instance directory (or, if its name is taken there, stays
// in the store as an active log, to be kept with the last boot).
func (k *keeper) cleanMoving() {
	entries, err := os.ReadDir(k.store)
	if err != nil {
		return
	}
	s, _ := readFiles(k.store)
	for _, e := range entries {
		name, ok := cutSuffix(e.Name(), movingSuffix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		tmp := k.spath(e.Name())
		fi, err := os.Lstat(tmp)
		if err != nil {
			continue
		}
		if _, linked := s.find(fi); linked {
			k.warn(os.Remove(tmp))
			continue
		}
		if err := logfile.RenameRegular(tmp, k.dpath(name)); err == nil {
			continue
		}
		k.warn(k.keepAside(tmp, name))
	}
}

// keepAside gives the file at path a log name in the store: name if free, else a new generation
// of it.
func (k *keeper) keepAside(path, name string) error {
	if err := logfile.RenameRegular(path, k.spath(name)); !errors.Is(err, fs.ErrExist) {
		return err
	}
	n, err := logfile.NextGeneration(k.dir, k.store)
	if err != nil {
		return err
	}
	dst := name
	if isActive(name) {
		dst = generationOf(name, n)
	} else if g, ok := generation(name); ok {
		g.N = n
		dst = g.String()
	}
	return logfile.RenameRegular(path, k.spath(dst))
}

// commitInStore renames the store's active links names to generation N in the store and notes N
// as pending; N is 1 + the highest generation in the instance directory and the store, or with
// join the newest pending N when none of the names is taken there.
func (k *keeper) commitInStore(names []string, join bool) error {
	if len(names) == 0 {
		return nil
	}
	pending, err := readPending(k.store)
	if err != nil {
		return err
	}
	n := 0
	if join && len(pending) > 0 {
		n = pending[len(pending)-1]
		for _, name := range names {
			if _, err := os.Lstat(k.spath(generationOf(name, n))); err == nil {
				n = 0
				break
			}
		}
	}
	if n == 0 {
		if n, err = logfile.NextGeneration(k.dir, k.store); err != nil {
			return err
		}
		if err := writePending(k.store, append(pending, n)); err != nil {
			return err
		}
	}
	var errs []error
	for _, name := range names {
		if err := logfile.RenameRegular(k.spath(name), k.spath(generationOf(name, n))); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	errs = append(errs, logfile.SyncDir(k.store))
	return errors.Join(errs...)
}

// read lists the store and the instance directory.
func (k *keeper) read() (s, d files, err error) {
	if s, err = readFiles(k.store); err != nil {
		return files{}, files{}, err
	}
	if d, err = readFiles(k.dir); err != nil {
		return files{}, files{}, err
	}
	return s, d, nil
}

// storeOnly returns the store's active links whose file is no longer in the instance directory.
func (k *keeper) storeOnly(s, d files) []string {
	var only []string
	for _, name := range s.sortedNames() {
		if !isActive(name) {
			continue
		}
		if _, ok := d.find(s.m[name]); !ok {
			only = append(only, name)
		}
	}
	return only
}

// cleanAndFollow is the first step under the instance lock: it removes what an interrupted move
// left and makes the store follow the instance directory's renames (follow).
func (k *keeper) cleanAndFollow() error {
	k.cleanMoving()
	s, d, err := k.read()
	if err != nil {
		return err
	}
	k.follow(s, d)
	return nil
}

// follow renames the store's links whose file has another generation name in the instance
// directory now (the hooks rotated it), so the store mirrors the directory. Pending links never
// follow to an active name (see commitLocked).
func (k *keeper) follow(s, d files) {
	for _, name := range s.sortedNames() {
		if name == limaadapter.ConfigFile {
			continue
		}
		dn, ok := d.find(s.m[name])
		if !ok || dn == name || dn == limaadapter.ConfigFile {
			continue
		}
		if _, isGen := generation(dn); !isGen {
			continue
		}
		if other, taken := s.m[dn]; taken {
			if os.SameFile(other, s.m[name]) {
				k.warn(os.Remove(k.spath(name)))
				continue
			}
			k.warn(k.displace(dn, d))
		}
		k.warn(logfile.RenameRegular(k.spath(name), k.spath(dn)))
	}
}

// displace moves the store's generation link name, whose file the instance directory no longer
// holds under that name, to a new generation number, making room for the directory's file of
// that name.
func (k *keeper) displace(name string, d files) error {
	g, ok := generation(name)
	if !ok {
		return nil
	}
	n, err := logfile.NextGeneration(k.dir, k.store)
	if err != nil {
		return err
	}
	g.N = n
	k.log().Debugf("instance %q: %s in the agent's store is not the instance's %s any more: kept as %s", k.name, name, name, g.String())
	return logfile.RenameRegular(k.spath(name), k.spath(g.String()))
}

// settle brings the instance directory and the store together after events: it treats a new
// ha.stdout.log with the store still holding the last boot's as the start signal, makes the store
// links whose files Lima removed a generation, links the pending generations into the instance
// directory (with pruning and compression), links every new file into the store, and applies the
// retention to the store.
func (k *keeper) settle() error {
	return k.lockDir(func() error {
		if err := k.cleanAndFollow(); err != nil {
			return err
		}
		s, d, err := k.read()
		if err != nil {
			return err
		}
		if k.startBegun(s, d) {
			k.warn(k.signalLocked(false))
			if s, d, err = k.read(); err != nil {
				return err
			}
		}
		if _, starting := d.m[limaadapter.StartSignalLog]; starting {
			// Only a start (or a running instance) has an ha.stdout.log: never a delete, so the
			// pending generations can be linked in without disturbing one.
			k.warn(k.commitLocked(false))
		}
		if err := k.linkNew(); err != nil {
			return err
		}
		k.retain()
		return nil
	})
}

// startBegun reports whether the files say that a start (or a delete) began which the store has
// not acted on: the store's ha.stdout.log is no longer in the instance directory (Lima removed
// it: the signal, whose event may not be handled yet), or the directory has an ha.stdout.log the
// store does not link while the store links other active logs (a start whose signal was no event:
// the removal of an ha.stdout.log that did not exist).
func (k *keeper) startBegun(s, d files) bool {
	if sfi, ok := s.m[limaadapter.StartSignalLog]; ok {
		if _, inDir := d.find(sfi); !inDir {
			return true
		}
	}
	dfi, ok := d.m[limaadapter.StartSignalLog]
	if !ok {
		return false
	}
	if sfi, ok := s.m[limaadapter.StartSignalLog]; ok && os.SameFile(sfi, dfi) {
		return false
	}
	if _, linked := s.find(dfi); linked {
		return false
	}
	return slices.ContainsFunc(s.sortedNames(), isActive)
}

// commitLocked links each pending generation of the store into the instance directory, then
// prunes and compresses there as the hooks' rotation does, and has the store follow. The caller
// holds the directory's lock and knows the directory is not being deleted. A pending link whose
// file is still an active log of the directory (it could not be moved out in time) is renamed
// there too when startInProgress says the new boot's driver has not started (always, with
// inProgress); otherwise it is the new boot's now, and stays active.
func (k *keeper) commitLocked(inProgress bool) error {
	pending, err := readPending(k.store)
	if err != nil || len(pending) == 0 {
		return err
	}
	var errs []error
	for len(pending) > 0 {
		n := pending[0]
		made, renumbered, err := k.commitOne(n, inProgress)
		if err != nil {
			// Not all of it is in the instance directory: it stays pending, tried again at the
			// next settle; nothing is pruned meanwhile.
			return errors.Join(append(errs, err)...)
		}
		pending = pending[1:]
		if renumbered > 0 {
			pending = append(pending, renumbered)
			slices.Sort(pending)
		}
		if werr := writePending(k.store, pending); werr != nil {
			return errors.Join(append(errs, werr)...)
		}
		if len(made) > 0 {
			errs = append(errs, k.housekeep(n))
			k.log().Infof("Kept the logs of instance %q's last boot as generation %d (%d files)", k.name, n, len(made))
			if k.s.kept != nil {
				k.s.kept(k.name, n, "")
			}
		}
	}
	return errors.Join(errs...)
}

// commitOne links the store's pending generation n into the instance directory and returns the
// names made there. When a name of generation n is already taken there by another file (the
// hooks numbered a generation meanwhile), the store's generation n is renumbered to a free
// number instead, returned as renumbered, and nothing is made.
func (k *keeper) commitOne(n int, inProgress bool) (made []string, renumbered int, err error) {
	s, d, err := k.read()
	if err != nil {
		return nil, 0, err
	}
	var names []string
	for _, name := range s.sortedNames() {
		if g, ok := generation(name); ok && g.N == n {
			names = append(names, name)
		}
	}
	for _, name := range names {
		if dfi, taken := d.m[name]; taken && !os.SameFile(dfi, s.m[name]) {
			m, err := k.renumber(n, names)
			return nil, m, err
		}
	}
	var errs []error
	for _, name := range names {
		ok, err := k.commitFile(name, s.m[name], d, inProgress)
		if ok {
			made = append(made, name)
		}
		errs = append(errs, err)
	}
	errs = append(errs, logfile.SyncDir(k.dir))
	return made, 0, errors.Join(errs...)
}

// commitFile puts the store's pending generation link name (the file sfi) in the instance
// directory d under the same name, and reports whether it is there now.
func (k *keeper) commitFile(name string, sfi os.FileInfo, d files, inProgress bool) (bool, error) {
	dn, inDir := d.find(sfi)
	switch {
	case inDir && dn == name:
		return true, nil
	case inDir && isActive(dn):
		// It could not be moved aside at the signal. Still the last boot's when nothing was
		// written to it since the new ha.stdout.log was made, or while the new boot's host
		// agent (which starts the driver) is not up: renamed as the hooks rename it.
		if !limaadapter.RecreatedAtStart(dn) && k.lastBoots(d.m[dn], inProgress) {
			err := logfile.RenameRegular(k.dpath(dn), k.dpath(name))
			return err == nil, err
		}
		k.log().Warnf("instance %q: %s was in use by the new boot before it could be set aside: it stays the active log", k.name, dn)
		return false, os.Remove(k.spath(name))
	case inDir:
		// The directory has it under another generation name: follow it.
		return false, logfile.RenameRegular(k.spath(name), k.spath(dn))
	}
	err := logfile.Link(k.spath(name), k.dpath(name))
	return err == nil, err
}

// lastBoots reports whether the in-place log fi of the instance directory, the very file the store
// linked before the start, still holds only the last boot's: where the filesystem records when the
// new ha.stdout.log was made, when nothing was written to it since; elsewhere, while the new boot's
// host agent (which starts the driver) is not up (inProgress, or startInProgress now).
func (k *keeper) lastBoots(fi os.FileInfo, inProgress bool) bool {
	if fi == nil {
		return false
	}
	if started, ok := birthTime(k.dpath(limaadapter.StartSignalLog)); ok {
		return !fi.ModTime().After(started)
	}
	return inProgress || k.s.startInProgress(k.dir, k.s.now())
}

// renumber moves the store's generation n (names) to a new number, returned.
func (k *keeper) renumber(n int, names []string) (int, error) {
	m, err := logfile.NextGeneration(k.dir, k.store)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, name := range names {
		g, _ := generation(name)
		g.N = m
		errs = append(errs, logfile.RenameRegular(k.spath(name), k.spath(g.String())))
	}
	k.log().Debugf("instance %q: generation %d is taken in the instance directory: the agent's is %d", k.name, n, m)
	return m, errors.Join(append(errs, logfile.SyncDir(k.store))...)
}

// housekeep prunes and compresses the instance directory's generations as the hooks' rotation
// does after making generation newest, and has the store follow.
func (k *keeper) housekeep(newest int) error {
	res, err := logfile.Housekeep(k.dir, logfile.RotateOptions{
		Names:      limaadapter.LogNames,
		MaxBackups: k.s.MaxBackups,
		KeepAll:    k.s.KeepLogs,
		Compress:   k.s.Compress,
	}, newest)
	for _, skip := range res.Skipped {
		k.log().Warnf("Left %s of instance %q alone: %s", skip.Name, k.name, skip.Reason)
	}
	var errs []error
	for _, name := range res.Pruned {
		k.log().Debugf("Pruned %s of instance %q (keeping %d generations)", name, k.name, k.s.MaxBackups)
		if err := os.Remove(k.spath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, name := range res.Compressed {
		gz := name + ".gz"
		if err := logfile.Link(k.dpath(gz), k.spath(gz)); err != nil && !errors.Is(err, fs.ErrExist) {
			errs = append(errs, err) // the plain link stays: nothing is lost
			continue
		}
		if err := os.Remove(k.spath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("instance %q: %w", k.name, err))
	}
	return errors.Join(errs...)
}

// linkNew links every kept file of the instance directory that the store does not link yet into
// the store under its name (the configuration's link is replaced when it changed). A generation
// name taken in the store by a file the directory no longer has under it is displaced; an active
// name taken by the last boot's link waits for the next settle (which makes that a generation
// first).
func (k *keeper) linkNew() error {
	s, d, err := k.read()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range d.sortedNames() {
		dfi := d.m[name]
		if _, linked := s.find(dfi); linked {
			continue
		}
		if name == limaadapter.ConfigFile {
			errs = append(errs, k.relink(name))
			continue
		}
		if _, taken := s.m[name]; taken {
			if isActive(name) {
				continue
			}
			if err := k.displace(name, d); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := logfile.Link(k.dpath(name), k.spath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// relink replaces the store's link of name (the configuration) with a link to the directory's
// current file.
func (k *keeper) relink(name string) error {
	tmp := k.spath("." + name + ".new")
	_ = os.Remove(tmp)
	if err := logfile.Link(k.dpath(name), tmp); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.Rename(tmp, k.spath(name))
}

// retain applies the retention to the store: the store drops a plain generation link once the
// instance directory holds only its compressed form (which the store links), and, unless
// KeepLogs, the links of generations that the directory no longer holds and that are older than
// the newest MaxBackups generations of the directory and the store together (pending ones are
// kept).
func (k *keeper) retain() {
	s, d, err := k.read()
	if err != nil {
		k.warn(err)
		return
	}
	for _, name := range s.sortedNames() {
		g, ok := generation(name)
		if !ok || g.Compressed {
			continue
		}
		gz := name + ".gz"
		sgz, dgz := s.m[gz], d.m[gz]
		if sgz == nil || dgz == nil || !os.SameFile(sgz, dgz) {
			continue
		}
		if _, inDir := d.find(s.m[name]); !inDir {
			k.warn(os.Remove(k.spath(name)))
		}
	}
	if !k.s.KeepLogs {
		k.pruneStore(d)
	}
}

// pruneStore removes the store's links of generations older than the newest MaxBackups of the
// store and the instance directory d together, unless d still holds them or they are pending.
func (k *keeper) pruneStore(d files) {
	s, err := readFiles(k.store)
	if err != nil {
		k.warn(err)
		return
	}
	pending, _ := readPending(k.store)
	var ns []int
	for _, fs := range []files{s, d} {
		for name := range fs.m {
			if g, ok := generation(name); ok && !slices.Contains(ns, g.N) {
				ns = append(ns, g.N)
			}
		}
	}
	if len(ns) <= k.s.MaxBackups {
		return
	}
	slices.Sort(ns)
	old := ns[:len(ns)-k.s.MaxBackups]
	for _, name := range s.sortedNames() {
		g, ok := generation(name)
		if !ok || !slices.Contains(old, g.N) || slices.Contains(pending, g.N) {
			continue
		}
		if _, inDir := d.find(s.m[name]); inDir {
			continue
		}
		k.log().Debugf("Dropped the agent's link %s of instance %q (keeping %d generations)", name, k.name, k.s.MaxBackups)
		k.warn(os.Remove(k.spath(name)))
	}
}

// preserveAll handles a store whose instance directory was removed: with KeepLogs every log it
// links becomes a preserved set <logs dir>/<instance>/<time>/ (logfile.Preserve, with lima.yaml
// copied), exactly as the delete hook makes one; without, the store is removed. The store is
// removed only once no log is left in it.
func (k *keeper) preserveAll() error {
	if _, err := os.Lstat(k.store); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if !k.s.KeepLogs {
		k.log().Debugf("Instance %q was removed; without keep-logs its logs are not kept", k.name)
		return os.RemoveAll(k.store)
	}
	var res logfile.PreserveResult
	err := logfile.WithDirLock(k.store, func() error {
		k.adoptMoving()
		k.warn(k.unpend())
		var err error
		res, err = logfile.Preserve(k.store, k.setsDir, logfile.PreserveOptions{
			Now: k.s.now(), Copy: []string{limaadapter.ConfigFile}})
		return err
	})
	for _, skip := range res.Skipped {
		k.log().Warnf("Did not preserve %s of instance %q: %s", skip.Name, k.name, skip.Reason)
	}
	if res.Dir != "" {
		k.log().Infof("Preserved %d logs of instance %q in %s", len(res.Moved), k.name, res.Dir)
		if k.s.kept != nil {
			k.s.kept(k.name, 0, res.Dir)
		}
	}
	if err != nil {
		return fmt.Errorf("could not preserve every log of removed instance %q; each is still whole in %s: %w", k.name, k.store, err)
	}
	left, err := readFiles(k.store)
	if err != nil {
		return err
	}
	for name := range left.m {
		if name != limaadapter.ConfigFile {
			return fmt.Errorf("instance %q: %s is still in %s", k.name, name, k.store)
		}
	}
	return os.RemoveAll(k.store)
}

// unpend gives the newest pending generation of a store whose instance directory is gone its
// active names back, when the store has no active link: the signal that made it a generation was
// the delete itself (its removal of ha.stdout.log), not a start, so those are the logs of the
// boot that ran last, which the delete hook would preserve as active logs too.
func (k *keeper) unpend() error {
	pending, err := readPending(k.store)
	if err != nil || len(pending) == 0 {
		return err
	}
	s, err := readFiles(k.store)
	if err != nil || slices.ContainsFunc(s.sortedNames(), isActive) {
		return err
	}
	n := pending[len(pending)-1]
	var errs []error
	for _, name := range s.sortedNames() {
		if g, ok := generation(name); ok && g.N == n && !g.Compressed {
			errs = append(errs, logfile.RenameRegular(k.spath(name), k.spath(g.Base+".log")))
		}
	}
	errs = append(errs, writePending(k.store, pending[:len(pending)-1]))
	return errors.Join(errs...)
}

// adoptMoving gives files of interrupted moves log names, so they are preserved too.
func (k *keeper) adoptMoving() {
	entries, _ := os.ReadDir(k.store)
	s, _ := readFiles(k.store)
	for _, e := range entries {
		name, ok := cutSuffix(e.Name(), movingSuffix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		path := k.spath(e.Name())
		if fi, err := os.Lstat(path); err == nil {
			if _, linked := s.find(fi); linked {
				k.warn(os.Remove(path))
				continue
			}
		}
		k.warn(k.keepAside(path, name))
	}
}

// cutSuffix is strings.CutSuffix for a suffix that must leave something before it.
func cutSuffix(s, suffix string) (string, bool) {
	before, ok := strings.CutSuffix(s, suffix)
	return before, ok && before != ""
}
