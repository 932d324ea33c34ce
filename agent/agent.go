// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/sirupsen/logrus"

	"limactl-logkeep/limaadapter"
	"limactl-logkeep/logfile"
)

// Run checks cfg (Check), takes each home's agent lock, and keeps every boot of every instance of
// the homes until ctx is done. It returns an error, having changed nothing, when cfg is wrong or
// another agent watches one of the homes; once it watches, problems with one file or instance
// are logged, never fatal.
func Run(ctx context.Context, cfg Config) error {
	homes, err := Check(cfg)
	if err != nil {
		return err
	}
	if cfg.Log == nil {
		cfg.Log = logrus.StandardLogger()
	}
	if cfg.CatchUpDelay == 0 {
		cfg.CatchUpDelay = 300 * time.Millisecond
	}
	a := &agent{cfg: cfg}
	defer a.close()
	for _, h := range homes {
		wh, err := a.lockHome(h)
		if err != nil {
			return err
		}
		a.homes = append(a.homes, wh)
	}
	if a.w, err = fsnotify.NewBufferedWatcher(4096); err != nil {
		return fmt.Errorf("cannot watch files: %w", err)
	}
	for _, h := range a.homes {
		if err := a.w.Add(h.Dir); err != nil {
			return fmt.Errorf("cannot watch Lima home %s: %w", h.Dir, err)
		}
	}
	for _, h := range a.homes {
		h.start(a)
	}
	for _, h := range a.homes {
		h.waitReady()
		names := h.instanceNames()
		h.state.update(func(st *State) { st.Instances = names })
		cfg.Log.Infof("Watching %d instances of Lima home %s (logs in %s)", len(names), h.Dir, h.LogsDir)
	}
	if cfg.Ready != nil {
		cfg.Ready()
	}
	return a.loop(ctx)
}

// agent is a running agent.
type agent struct {
	cfg   Config
	w     *fsnotify.Watcher
	homes []*home
}

// home is one watched Lima home.
type home struct {
	Home
	lock    *logfile.FileLock
	state   *stateFile
	s       *settings
	workers map[string]*worker
}

// lockHome creates the home's store directory and takes its agent lock.
func (a *agent) lockHome(h Home) (*home, error) {
	if err := os.MkdirAll(h.Store, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the agent's directory %s: %w", h.Store, err)
	}
	lockPath := filepath.Join(h.Store, lockFileName)
	lock, err := logfile.TryLockFile(lockPath)
	if errors.Is(err, logfile.ErrLocked) {
		return nil, fmt.Errorf("another agent already watches Lima home %s (it holds %s): stop it first (limactl logkeep agent status)", h.Dir, lockPath)
	} else if err != nil {
		return nil, fmt.Errorf("cannot lock Lima home %s for the agent: %w", h.Dir, err)
	}
	wh := &home{Home: h, lock: lock, workers: map[string]*worker{},
		state: &stateFile{path: filepath.Join(h.Store, stateFileName)}}
	wh.s = &settings{MaxBackups: a.cfg.MaxBackups, KeepLogs: a.cfg.KeepLogs, Compress: a.cfg.Compress,
		Log: a.cfg.Log, startInProgress: startInProgress}
	wh.s.kept = func(instance string, n int, set string) {
		what := fmt.Sprintf("boot of instance %q as generation %d", instance, n)
		if set != "" {
			what = fmt.Sprintf("logs of removed instance %q in %s", instance, set)
		}
		wh.warn(wh.state.update(func(st *State) {
			st.LastKept, st.What = time.Now().UTC(), what
			st.Kept++
		}))
	}
	if err := wh.state.update(func(st *State) {
		*st = State{PID: os.Getpid(), Started: time.Now().UTC(), Home: h.Dir, LogsDir: h.LogsDir}
	}); err != nil {
		lock.Release()
		return nil, fmt.Errorf("cannot write the agent's state in %s: %w", h.Store, err)
	}
	return wh, nil
}

func (h *home) warn(err error) {
	if err != nil {
		h.s.Log.Warn(err)
	}
}

// close stops every worker and the watcher and releases the locks.
func (a *agent) close() {
	for _, h := range a.homes {
		for name, w := range h.workers {
			w.halt()
			delete(h.workers, name)
		}
	}
	if a.w != nil {
		a.w.Close()
	}
	for _, h := range a.homes {
		h.lock.Release()
	}
}

// loop routes events until ctx is done.
func (a *agent) loop(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-a.w.Events:
			if !ok {
				return errors.New("the file watcher stopped")
			}
			a.route(ev)
		case err, ok := <-a.w.Errors:
			if !ok {
				return errors.New("the file watcher stopped")
			}
			a.watchError(err)
		}
	}
}

// watchError acts on an error of the watcher: lost events (the kernel's queue overflowed) make
// every home catch up from the files; any other is logged.
func (a *agent) watchError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		a.cfg.Log.Warn("Too many file events at once, some were lost: catching up from the files")
		for _, h := range a.homes {
			h.rescan(a)
		}
		return
	}
	a.cfg.Log.Warnf("Watching files: %v", err)
}

// route hands a file event to the home or instance it concerns. Writes and attribute changes are
// dropped at once: they never matter.
func (a *agent) route(ev fsnotify.Event) {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		return
	}
	a.cfg.Log.Debugf("event %v", ev)
	parent, base := filepath.Dir(ev.Name), filepath.Base(ev.Name)
	for _, h := range a.homes {
		switch {
		case ev.Name == h.Dir:
			if !ev.Has(fsnotify.Create) {
				a.cfg.Log.Errorf("Lima home %s was removed or renamed: its instances are no longer watched; restart the agent", h.Dir)
			}
			return
		case parent == h.Dir:
			h.homeEvent(a, base, ev)
			return
		case filepath.Dir(parent) == h.Dir:
			if w, ok := h.workers[filepath.Base(parent)]; ok {
				o := opRemoved
				if ev.Has(fsnotify.Create) {
					o = opCreated
				}
				w.push(event{op: o, name: base})
			}
			return
		}
	}
}

// homeEvent acts on an entry of the home appearing or going.
func (h *home) homeEvent(a *agent, name string, ev fsnotify.Event) {
	if ev.Has(fsnotify.Create) {
		if _, ok := h.workers[name]; !ok && h.isInstance(name) {
			h.startWorker(a, name)
		}
		return
	}
	if h.isInstance(name) {
		// Still (or again) there: fsnotify drops the watch of a directory that moves, and reports
		// that as a rename of the name it is watched under now. Watch it again and catch up.
		if w, ok := h.workers[name]; ok {
			if err := a.w.Add(filepath.Join(h.Dir, name)); err != nil {
				h.s.Log.Errorf("Cannot watch instance %q again, its boots are not kept: %v", name, err)
			}
			w.push(event{op: opRescan})
		} else {
			h.startWorker(a, name)
		}
		return
	}
	if _, ok := h.workers[name]; ok {
		h.gone(name, ev.Has(fsnotify.Rename))
	}
}

// isInstance reports whether the entry name of the home is an instance directory now.
func (h *home) isInstance(name string) bool {
	fi, err := os.Lstat(filepath.Join(h.Dir, name))
	return err == nil && limaadapter.IsInstanceEntry(name, fi.Mode().Type())
}

func (h *home) keeper(name string) *keeper {
	return &keeper{name: name, dir: filepath.Join(h.Dir, name), store: filepath.Join(h.Store, name),
		setsDir: filepath.Join(h.LogsDir, name), s: h.s}
}

// start adopts the stores of instances renamed or removed while the agent was not running, then
// watches every instance of the home.
func (h *home) start(a *agent) {
	h.adoptStores()
	entries, err := os.ReadDir(h.Dir)
	if err != nil {
		h.s.Log.Errorf("Cannot list the instances of Lima home %s: %v", h.Dir, err)
		return
	}
	for _, e := range entries {
		if limaadapter.IsInstanceEntry(e.Name(), e.Type()) {
			h.startWorker(a, e.Name())
		}
	}
}

// startWorker watches the instance name and starts its worker, which catches up first.
func (h *home) startWorker(a *agent, name string) {
	dir := filepath.Join(h.Dir, name)
	if err := a.w.Add(dir); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			h.s.Log.Errorf("Cannot watch instance %q (%s), its boots are not kept: %v", name, dir, err)
		}
		return
	}
	w := newWorker(h.keeper(name), a.cfg.CatchUpDelay)
	h.workers[name] = w
	go w.run()
}

// waitReady waits for every worker's first catch-up.
func (h *home) waitReady() {
	for _, w := range h.workers {
		<-w.ready
	}
}

func (h *home) instanceNames() []string {
	names := make([]string, 0, len(h.workers))
	for name := range h.workers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// gone handles the instance directory name going away: its worker stops; a directory renamed
// within the home takes its store along; otherwise the store's logs are preserved (keep-logs)
// or dropped.
func (h *home) gone(name string, renamed bool) {
	if w, ok := h.workers[name]; ok {
		w.halt()
		delete(h.workers, name)
	}
	if h.isInstance(name) {
		return // a new directory of that name is there already: its worker handles the store
	}
	k := h.keeper(name)
	if renamed {
		if to := h.renamedTo(k); to != "" {
			h.warn(os.Rename(k.store, filepath.Join(h.Store, to)))
			h.s.Log.Infof("Instance %q was renamed to %q: its kept logs follow it", name, to)
			return
		}
	}
	h.warn(k.preserveAll())
	h.state.update(func(st *State) { st.Instances = h.instanceNames() })
}

// renamedTo returns the instance of the home whose directory is the one the store of k belonged
// to, when that instance has no store of its own yet: the name it was renamed to.
func (h *home) renamedTo(k *keeper) string {
	id, err := os.ReadFile(k.spath(identityFile))
	if err != nil {
		return ""
	}
	entries, err := os.ReadDir(h.Dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.Name() == k.name || !limaadapter.IsInstanceEntry(e.Name(), e.Type()) {
			continue
		}
		if other, err := dirIdentity(filepath.Join(h.Dir, e.Name())); err == nil && other == string(id) {
			if _, err := os.Lstat(filepath.Join(h.Store, e.Name())); errors.Is(err, os.ErrNotExist) {
				return e.Name()
			}
		}
	}
	return ""
}

// adoptStores handles, at the agent's start, the stores whose instance directory was renamed or
// removed while the agent was not running.
func (h *home) adoptStores() {
	entries, err := os.ReadDir(h.Store)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		k := h.keeper(name)
		id, err := os.ReadFile(k.spath(identityFile))
		if err == nil {
			if now, err := dirIdentity(k.dir); err == nil && now == string(id) {
				continue // still there
			}
		}
		if to := h.renamedTo(k); to != "" {
			h.warn(os.Rename(k.store, filepath.Join(h.Store, to)))
			h.s.Log.Infof("Instance %q was renamed to %q while the agent was not running: its kept logs follow it", name, to)
			continue
		}
		if h.isInstance(name) {
			continue // made again under the same name: its worker preserves the old store first
		}
		h.warn(k.preserveAll())
	}
}

// rescan catches up after lost events: instances that appeared get a worker, those that went are
// handled as gone, and every worker catches up again.
func (h *home) rescan(a *agent) {
	for name := range h.workers {
		if !h.isInstance(name) {
			h.gone(name, true)
		}
	}
	entries, err := os.ReadDir(h.Dir)
	if err == nil {
		for _, e := range entries {
			if _, ok := h.workers[e.Name()]; !ok && limaadapter.IsInstanceEntry(e.Name(), e.Type()) {
				h.startWorker(a, e.Name())
			}
		}
	}
	for _, w := range h.workers {
		w.push(event{op: opRescan})
	}
}

// startInProgress is limaadapter's rule for a start whose host agent is not up yet.
var startInProgress = limaadapter.StartInProgress
