// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

// Package limasim simulates, for tests and benchmarks only, what Lima does to the logs in an
// instance directory when it starts, runs, stops and deletes an instance (LIMA-FACTS: Lima 2.2's
// pkg/instance and its QEMU and VZ drivers), and remembers what each boot wrote to each log, so
// that a test can check that every byte of every boot was kept, and where.
package limasim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Driver is the VM driver a simulated start uses.
type Driver int

const (
	// QEMU removes serial.log and serialv.log (serial*.log) and creates them again (QEMU's
	// logfile=), Delay after the host agent's logs were created again.
	QEMU Driver = iota
	// VZ opens serialv.log without O_APPEND, truncating it in place, Delay after the host agent's
	// logs were created again.
	VZ
)

// The logs a simulated boot writes.
const (
	HAStdout = "ha.stdout.log"
	HAStderr = "ha.stderr.log"
	Serial   = "serial.log"
	SerialV  = "serialv.log"
)

// Instance is one simulated instance directory.
type Instance struct {
	Name string
	Dir  string

	mu     sync.Mutex
	boot   int                       // the last boot started (0: never)
	driver Driver                    // of the last boot
	open   map[string]*os.File       // the last boot's writers, while it runs
	wrote  map[int]map[string][]byte // what each boot wrote to each log
}

// Create makes the instance directory home/name with a lima.yaml, as `limactl create` does.
func Create(home, name string) (*Instance, error) {
	dir := filepath.Join(home, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte("# limasim "+name+"\nvmType: qemu\n"), 0o644); err != nil {
		return nil, err
	}
	return &Instance{Name: name, Dir: dir, open: map[string]*os.File{}, wrote: map[int]map[string][]byte{}}, nil
}

// Boot returns the number of the last boot started.
func (in *Instance) Boot() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.boot
}

// Wrote returns what boot wrote to each of its logs.
func (in *Instance) Wrote(boot int) map[string][]byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string][]byte{}
	for name, b := range in.wrote[boot] {
		out[name] = bytes.Clone(b)
	}
	return out
}

// line is the first line of a log of a boot: "limasim <instance> boot <N> <log> <random>".
func (in *Instance) line(boot int, log, what string) string {
	var r [6]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("limasim %s boot %d %s %s %s\n", in.Name, boot, log, what, hex.EncodeToString(r[:]))
}

var bootRE = regexp.MustCompile(`^limasim (\S+) boot ([0-9]+) `)

// BootOf returns the instance and boot that wrote content, from its first line; ok is false for
// content a simulated boot did not start.
func BootOf(content []byte) (instance string, boot int, ok bool) {
	m := bootRE.FindSubmatch(content)
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(string(m[2]))
	return string(m[1]), n, err == nil
}

// write appends a line to the running boot's log name through its open writer.
func (in *Instance) write(name, what string) error {
	f := in.open[name]
	if f == nil {
		return nil
	}
	s := in.line(in.boot, name, what)
	if _, err := f.WriteString(s); err != nil {
		return err
	}
	in.wrote[in.boot][name] = append(in.wrote[in.boot][name], s...)
	return nil
}

// openLog opens the new boot's log name as Lima or its driver does: created (or truncated) and
// written through a descriptor the boot keeps, starting with its first line.
func (in *Instance) openLog(name string) error {
	f, err := os.OpenFile(filepath.Join(in.Dir, name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	in.open[name] = f
	in.wrote[in.boot][name] = nil
	return in.write(name, "start")
}

// StartStep is a point of a simulated start, for a test to act at.
type StartStep int

const (
	// AfterHostAgentLogs: ha.stdout.log and ha.stderr.log were removed and created again.
	AfterHostAgentLogs StartStep = iota
	// AfterPID: ha.pid was written (the host agent is up).
	AfterPID
	// AfterConsole: the driver removed or truncated the console and writes the new one.
	AfterConsole
)

// Start simulates a start of the stopped instance by driver: as Lima 2.2's pkg/instance, it
// removes ha.stdout.log and ha.stderr.log, creates them again and writes their first lines,
// writes ha.pid (this process' pid, so the host agent looks alive), then, delay later, QEMU
// removes serial.log and serialv.log and creates them again, or VZ truncates serialv.log in
// place, each writing the new boot's first line. at, when set, is called after each step.
func (in *Instance) Start(driver Driver, delay time.Duration, at func(StartStep)) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.open) > 0 {
		return fmt.Errorf("limasim: instance %s is running", in.Name)
	}
	in.boot++
	in.driver = driver
	in.wrote[in.boot] = map[string][]byte{}
	for _, name := range []string{HAStdout, HAStderr} {
		if err := os.RemoveAll(filepath.Join(in.Dir, name)); err != nil {
			return err
		}
	}
	created := time.Now()
	for _, name := range []string{HAStdout, HAStderr} {
		f, err := os.Create(filepath.Join(in.Dir, name))
		if err != nil {
			return err
		}
		in.open[name] = f
		in.wrote[in.boot][name] = nil
	}
	if at != nil {
		at(AfterHostAgentLogs)
	}
	if err := os.WriteFile(filepath.Join(in.Dir, "ha.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return err
	}
	if at != nil {
		at(AfterPID)
	}
	for _, name := range []string{HAStdout, HAStderr} {
		if err := in.write(name, "start"); err != nil {
			return err
		}
	}
	time.Sleep(delay - time.Since(created))
	switch driver {
	case QEMU:
		for _, name := range []string{Serial, SerialV} {
			if err := os.RemoveAll(filepath.Join(in.Dir, name)); err != nil {
				return err
			}
		}
		for _, name := range []string{Serial, SerialV} {
			if err := in.openLog(name); err != nil {
				return err
			}
		}
	case VZ:
		if err := in.openLog(SerialV); err != nil {
			return err
		}
	}
	if at != nil {
		at(AfterConsole)
	}
	return nil
}

// Run writes one more line to each log of the running boot.
func (in *Instance) Run() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	for name := range in.open {
		if err := in.write(name, "running"); err != nil {
			return err
		}
	}
	return nil
}

// Stop simulates the running boot's end: each log gets a last line, its writer closes, and
// ha.pid goes.
func (in *Instance) Stop() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	for name, f := range in.open {
		if err := in.write(name, "stop"); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		delete(in.open, name)
	}
	return os.RemoveAll(filepath.Join(in.Dir, "ha.pid"))
}

// Delete simulates `limactl delete --force`: the boot stops and the directory is removed with
// os.RemoveAll, as Lima removes it.
func (in *Instance) Delete() error {
	if err := in.Stop(); err != nil {
		return err
	}
	return os.RemoveAll(in.Dir)
}
