// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Start-at-login under systemd, without a systemd (none runs here): Lima's unit
// lima-vm@sal.service is rendered with Lima 2.2.0's own template (what
// `limactl start-at-login sal` writes), `limactl logkeep start-at-login sal`
// adds its drop-in, and the test runs what systemd would run, read from those
// two files: ExecStartPre, then ExecStart, with the drop-in's environment and
// %i, %h expanded. Three boots: the second is killed once its console shows
// (a crash: Restart=on-failure would run both again), and every boot's console
// is found in the generations. Start-at-login is Lima 2's.
func TestStartAtLoginKeepsEveryBoot(t *testing.T) {
	t.Parallel()
	onlyV2(t, startAtLoginKeepsEveryBoot)
}

func startAtLoginKeepsEveryBoot(t *testing.T, l *lima) {
	dir := l.create("sal")
	config := filepath.Join(t.TempDir(), "config")
	xdg := []string{"XDG_CONFIG_HOME=" + config}
	unit := filepath.Join(config, "systemd", "user", "lima-vm@sal.service")
	dropIn := filepath.Join(unit+".d", "limactl-logkeep.conf")
	renderLimaUnit(t, unit, l.version.limactl)

	applied := l.must(l.logkeep(xdg, "--max-backups=5", "start-at-login", "sal"))
	t.Logf("$ limactl logkeep start-at-login sal\n%s", applied.stderr)
	status := l.must(l.logkeep(xdg, "start-at-login", "--status", "sal")).stdout
	assert.Contains(t, status, "boots kept: yes")

	svc := readService(t, unit, dropIn, "sal")
	t.Logf("%s:\n%s", dropIn, readText(t, dropIn))
	require.Contains(t, svc.env, "LIMA_HOME="+l.home, "the drop-in gives the unit its LIMA_HOME")

	var consoles []string
	for boot, crash := range []bool{false, true, false} {
		began := time.Now()
		consoles = append(consoles, svc.boot(t, l, dir, crash))
		timed(t, "start-at-login boot "+string(rune('1'+boot))+" (ExecStartPre + ExecStart)", began)
	}

	t.Run("every boot's console is kept, the crashed one too", func(t *testing.T) {
		assert.Equal(t, []string{"1", "2"}, generations(t, dir, "serial"))
		assert.Equal(t, consoles[0], marker(t, filepath.Join(dir, "serial.1.log")))
		assert.Equal(t, consoles[1], marker(t, filepath.Join(dir, "serial.2.log")))
		assert.Equal(t, consoles[2], marker(t, filepath.Join(dir, "serial.log")))
		boots := l.must(l.logkeep(nil, "boots", "sal")).stdout
		t.Logf("$ limactl logkeep boots sal\n%s", boots)
	})
	t.Run("deleting through logkeep removes the drop-in, not Lima's unit", func(t *testing.T) {
		l.must(l.logkeep(xdg, "delete", "sal"))
		assert.NoFileExists(t, dropIn)
		assert.NoDirExists(t, filepath.Dir(dropIn))
		assert.FileExists(t, unit, "Lima's own delete unregisters it when systemd runs; none runs here")
	})
}

// renderLimaUnit writes Lima v2.2.0's unit for limactl at path, as
// `limactl start-at-login` does (the template is testdata's copy, held to
// Lima's by the limaadapter tests).
func renderLimaUnit(t *testing.T, path, limactl string) {
	t.Helper()
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "limaadapter", "testdata", "autostart", "lima-vm@INSTANCE.service"))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, template.Must(template.New("").Parse(string(tmpl))).Execute(&out, map[string]string{"Binary": limactl}))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// service is what systemd would run for one instance of the unit.
type service struct {
	pre, start []string // ExecStartPre, ExecStart
	env        []string // Environment=
	workdir    string
}

// readService reads the unit and the drop-in as systemd would for the instance
// name (only the settings Lima and limactl-logkeep write).
func readService(t *testing.T, unit, dropIn, name string) service {
	t.Helper()
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	spec := strings.NewReplacer("%%", "%", "%i", name, "%h", home)
	var svc service
	for _, file := range []string{unit, dropIn} {
		for _, line := range strings.Split(readText(t, file), "\n") {
			key, value, _ := strings.Cut(line, "=")
			value = spec.Replace(value)
			switch key {
			case "ExecStartPre":
				svc.pre = systemdWords(t, value, true)
			case "ExecStart":
				svc.start = systemdWords(t, value, true)
			case "Environment":
				svc.env = append(svc.env, systemdWords(t, value, false)...)
			case "WorkingDirectory":
				svc.workdir = value
			}
		}
	}
	require.NotEmpty(t, svc.pre, "no ExecStartPre in %s", dropIn)
	require.NotEmpty(t, svc.start, "no ExecStart in %s", unit)
	return svc
}

// systemdWords splits a command line or Environment= value as systemd does:
// double quotes, backslash escapes, and "$$" as "$" in the arguments of a
// command line.
func systemdWords(t *testing.T, line string, command bool) []string {
	t.Helper()
	var words []string
	var word strings.Builder
	quoted, inWord := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case c == '\\' && i+1 < len(line):
			i++
			word.WriteByte(line[i])
		case c == ' ' && !quoted:
			if inWord {
				words, inWord = append(words, word.String()), false
				word.Reset()
			}
		case c == '$' && command && len(words) > 0 && i+1 < len(line) && line[i+1] == '$':
			i++
			word.WriteByte('$')
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	require.False(t, quoted, "unbalanced quotes in %q", line)
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// boot runs ExecStartPre to its end (it must succeed), then ExecStart (Lima's
// `limactl start sal --foreground`, which becomes the host agent) until the
// boot's console shows its marker. A crash is then a SIGKILL, followed by what
// systemd's control-group kill does to the rest (`limactl stop -f`); otherwise
// the boot goes on until Running and is stopped (`limactl stop -f`, quick). It
// returns the boot's marker.
func (svc service) boot(t *testing.T, l *lima, dir string, crash bool) string {
	t.Helper()
	env := append(withEnv(os.Environ(), []string{"-LIMA_HOME", "-LIMACTL"}), svc.env...)
	pre := exec.Command(svc.pre[0], svc.pre[1:]...)
	pre.Env, pre.Dir = env, svc.workdir
	out, err := pre.CombinedOutput()
	require.NoError(t, err, "ExecStartPre %q: %s", svc.pre, out)
	t.Logf("ExecStartPre: %s", out)

	start := exec.Command(svc.start[0], svc.start[1:]...)
	start.Env, start.Dir = env, svc.workdir
	ownProcessGroup(start)
	var output bytes.Buffer
	start.Stdout, start.Stderr = &output, &output
	require.NoError(t, start.Start())
	done := make(chan error, 1)
	go func() { done <- start.Wait() }()
	serial := filepath.Join(dir, "serial.log")
	waitFor(t, done, &output, func() bool { return markerRE.Match(readOrEmpty(serial)) })
	if crash {
		killGroup(start)
		<-done
		l.stopped("sal")
		return marker(t, serial)
	}
	waitFor(t, done, &output, func() bool { return l.status("sal") == "Running" })
	l.stopped("sal") // as `limactl stop` under systemd: systemctl stop, no restart
	select {
	case err := <-done:
		t.Logf("ExecStart ended (%v) after limactl stop -f", err)
	case <-time.After(time.Minute):
		t.Fatalf("ExecStart did not end after limactl stop -f: %s", output.String())
	}
	return marker(t, serial)
}

// waitFor polls until ok, failing when the command (done) ends first or after
// three minutes.
func waitFor(t *testing.T, done chan error, output *bytes.Buffer, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !ok() {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("ExecStart ended early (%v): %s", err, output.String())
		case <-time.After(500 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "timed out; ExecStart so far: %s", output.String())
	}
}

func readOrEmpty(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}
