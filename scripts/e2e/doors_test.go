// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// door is one command that boots a stopped instance (issue 10's table). In args,
// "VM" stands for the instance the previous door booted.
type door struct {
	name     string
	args     []string
	minMajor int    // the first Lima major version that has the command
	next     string // clone and rename: the instance booted (and kept) afterwards
	script   bool   // args go to Lima's `lima` script (LIMA_INSTANCE=VM) instead of limactl
	// interrupt: the command is killed once the instance runs with a new boot's
	// console. Lima 2.2's `start --progress` waits for cloud-init progress events
	// that its host agent only sends with a guest agent, which plain mode has not:
	// on the tiny guest it would return only after its 10-minute timeout.
	interrupt bool
	tty       bool // on a terminal, where Lima asks "start the instance now?" (answered y)
}

// doors are chained on one instance: each door's boot is the next door's previous
// boot. edit comes last because it doubles the CPUs of every later boot.
var doors = []door{
	{name: "restart", args: []string{"restart", "VM"}, minMajor: 1},
	{name: "shell on a terminal (start now? y)", args: []string{"shell", "VM", "true"}, minMajor: 1, tty: true},
	{name: "edit on a terminal (start now? y)", args: []string{"edit", "--memory", "0.375", "VM"}, minMajor: 1, tty: true},
	{name: "clone on a terminal (start now? y)", args: []string{"clone", "VM", "vm4"}, minMajor: 1, tty: true, next: "vm4"},
	{name: "start --progress", args: []string{"start", "--progress", "VM"}, minMajor: 2, interrupt: true},
	{name: "start --ssh-port 0", args: []string{"start", "--ssh-port", "0", "VM"}, minMajor: 2},
	{name: "shell --start", args: []string{"shell", "--start", "VM", "true"}, minMajor: 2},
	{name: "lima --start", args: []string{"--start", "true"}, minMajor: 2, script: true},
	{name: "rename --start", args: []string{"rename", "VM", "vm3", "--start"}, minMajor: 2, next: "vm3"},
	{name: "clone --start", args: []string{"clone", "VM", "vm2", "--start"}, minMajor: 2, next: "vm2"},
	{name: "edit --start --cpus 2", args: []string{"edit", "--start", "--cpus", "2", "VM"}, minMajor: 2},
}

// runner runs `name args...` the way a user of one mode would: name is "limactl"
// or "lima", o how (see runOpts; nil: plainly).
type runner func(o *runOpts, env []string, name string, args ...string) result

// Every boot door through the drop-in shim (first on PATH, so Lima's `lima`
// script reaches it too), on both Lima versions where the version has the command:
// the previous boot's console ends in a generation, the new boot's in serial.log.
func TestBootDoorsThroughTheShim(t *testing.T) {
	t.Parallel()
	forEachVersion(t, func(t *testing.T, l *lima) {
		_, run := l.shim(t)
		walkDoors(t, l, run, true)
	})
}

// The same doors through the plugin's general form `limactl logkeep -- COMMAND
// ARGS...`, with Lima 2.2's own plugin discovery (Lima 1 runs no plugins).
func TestBootDoorsThroughThePlugin(t *testing.T) {
	t.Parallel()
	onlyV2(t, func(t *testing.T, l *lima) {
		limactl := pluginLima(t, l.version, "lib/lima")
		walkDoors(t, l, func(o *runOpts, env []string, name string, args ...string) result {
			t.Helper()
			require.Equal(t, "limactl", name, "the plugin form has no `lima` script")
			return l.runWith(o, append([]string{"-LIMACTL"}, env...), limactl, append([]string{"logkeep", "--"}, args...)...)
		}, false)
	})
}

// walkDoors boots an instance, stops it, checks that Lima's refusals change
// nothing, then goes through every door the version has (the `lima` script only
// when withScript), each after the previous door's boot was stopped.
func walkDoors(t *testing.T, l *lima, run runner, withScript bool) {
	vm := "vm"
	l.create(vm)
	began := time.Now()
	l.must(l.limactl("start", vm))
	timed(t, "first boot (the real limactl)", began)
	prev := marker(t, filepath.Join(l.home, vm, "serial.log"))
	l.stopped(vm)

	refusals(t, l, run, vm, prev)
	for _, d := range doors {
		if d.minMajor > l.version.major || (d.script && !withScript) {
			continue
		}
		vm, prev = walkDoor(t, l, run, d, vm, prev)
	}
}

// walkDoor goes through d on the stopped instance vm whose serial.log holds prev,
// checks that prev is kept and the new boot's marker is in serial.log, stops the
// booted instance and returns its name and marker.
func walkDoor(t *testing.T, l *lima, run runner, d door, vm, prev string) (string, string) {
	t.Helper()
	booted := vm
	if d.next != "" {
		booted = d.next
	}
	dir := filepath.Join(l.home, booted)
	o := &runOpts{tty: d.tty}
	if d.interrupt {
		o.until = func() bool {
			m, ok := markerIn(filepath.Join(dir, "serial.log"))
			return ok && m != prev && l.status(booted) == "Running"
		}
	}
	var r result
	began := time.Now()
	if d.script {
		r = run(o, []string{"LIMA_INSTANCE=" + vm}, "lima", d.args...)
	} else {
		r = run(o, nil, "limactl", withInstance(d.args, vm)...)
	}
	timed(t, "door "+d.name, began)
	now, ok := markerIn(filepath.Join(dir, "serial.log"))
	t.Run(strings.ReplaceAll(d.name, " ", "_"), func(t *testing.T) {
		if !d.interrupt {
			require.Equal(t, 0, r.status, "%s", r)
		}
		assert.Equal(t, "Running", l.status(booted))
		require.True(t, ok, "no boot marker in %s/serial.log after %s", booted, d.name)
		assert.NotEqual(t, prev, now, "serial.log holds the new boot")
		assert.NotEmpty(t, generationWith(t, dir, prev),
			"the previous boot's console (%s) is in no generation of %s: %v", prev, booted, testutil.DirNames(t, dir))
	})
	if !ok { // the door did not boot: the next door starts from the same state
		return vm, prev
	}
	l.stopped(booted)
	return booted, now
}

// refusals: commands that Lima refuses on a stopped instance without a TTY boot
// nothing and lose nothing. A plain `shell` changes nothing at all; a `start` with
// a flag only Lima 2 has may be rotated first (the hook knows both versions'
// flags), and then the previous console is a generation like any other.
func refusals(t *testing.T, l *lima, run runner, vm, prev string) {
	dir := filepath.Join(l.home, vm)
	type refusal struct {
		args      []string
		mayRotate bool
	}
	refused := []refusal{{args: []string{"shell", vm, "true"}}}
	if l.version.major == 1 {
		refused = append(refused, refusal{args: []string{"start", "--ssh-port", "0", vm}, mayRotate: true})
	}
	for _, c := range refused {
		t.Run("refused_"+strings.Join(c.args, "_"), func(t *testing.T) {
			before := testutil.DirNames(t, dir)
			r := run(nil, nil, "limactl", c.args...)
			assert.NotEqual(t, 0, r.status, "%s", r)
			assert.Equal(t, "Stopped", l.status(vm))
			if !c.mayRotate {
				assert.Equal(t, before, testutil.DirNames(t, dir), "%q changed the instance directory", c.args)
				assert.Equal(t, prev, marker(t, filepath.Join(dir, "serial.log")))
				return
			}
			if got, ok := markerIn(filepath.Join(dir, "serial.log")); !ok || got != prev {
				assert.NotEmpty(t, generationWith(t, dir, prev), "%q lost the previous console (%s): %v",
					c.args, prev, testutil.DirNames(t, dir))
			}
		})
	}
}

// withInstance returns args with "VM" replaced by vm.
func withInstance(args []string, vm string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == "VM" {
			out[i] = vm
		}
	}
	return out
}

// markerIn returns the boot marker in the file at path, if it has one.
func markerIn(path string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	m := markerRE.Find(b)
	return string(m), m != nil
}

// generationWith returns the name of the numbered serial log generation in dir
// that holds marker m, or "".
func generationWith(t *testing.T, dir, m string) string {
	t.Helper()
	for _, n := range generations(t, dir, "serial") {
		name := "serial." + n + ".log"
		if got, ok := markerIn(filepath.Join(dir, name)); ok && got == m {
			return name
		}
	}
	return ""
}
