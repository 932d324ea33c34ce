// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"limactl-logkeep/internal/testutil"
)

// helperEnv makes TestMain run the test binary as the signal tests' helper.
const helperEnv = "LIMAADAPTER_TEST_HELPER"

// TestMain runs this test binary as the helper "wrapper" of the signal tests when helperEnv says
// so: it runs Limactl.Run on the counter, as limactl-logkeep runs the real limactl, and exits with
// its status. Otherwise it runs the tests.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "wrapper" {
		os.Exit(m.Run())
	}
	perl := os.Getenv(helperEnv + "_PERL")
	env := append(os.Environ(), "PERL_SIGNALS=unsafe")
	status, err := Limactl{Path: perl, Env: env}.Run(context.Background(), "-e", counterScript)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(125)
	}
	os.Exit(status)
}

// counterScript stands in for limactl: it says READY, counts the SIGINTs and SIGTERMs it gets
// until a second has passed since the first one (or 20 s without any), prints the counts and exits
// 0. It is Perl with unsafe signals (PERL_SIGNALS=unsafe), whose handlers run as each signal is
// delivered: a Go program (limactl) merges a signal that arrives before its runtime has passed the
// previous one on, which would hide a second delivery that comes quickly.
const counterScript = `
use Time::HiRes qw(time sleep);
my ($int, $term) = (0, 0);
$SIG{INT} = sub { $int++ };
$SIG{TERM} = sub { $term++ };
$| = 1;
print "READY\n";
my $deadline = time + 20;
my $first;
while (time < $deadline) {
	sleep 0.01;
	if (!$first && $int + $term) { $first = time; $deadline = $first + 1 }
}
print "SIGINT=$int SIGTERM=$term\n";
`

// openPTY opens a new pseudo-terminal and returns its master and its slave.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		testutil.MissingPrerequisite(t, "no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock the pty")
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err, "pty number")
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// output collects what a process writes, safe to read while it is written.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// startWrapper starts the helper "wrapper" in a new session. With a terminal slave, the slave is
// its standard streams and its controlling terminal, and it is the terminal's foreground group;
// without one, it has no terminal at all, and its output goes to the returned collector.
func startWrapper(t *testing.T, slave *os.File) (*exec.Cmd, *output) {
	t.Helper()
	perl, err := exec.LookPath("perl")
	if err != nil {
		testutil.MissingPrerequisite(t, "perl runs the signal counter: %v", err)
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=wrapper", helperEnv+"_PERL="+perl)
	out := &output{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if slave != nil {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, 0
	} else {
		cmd.Stdout, cmd.Stderr = out, out
	}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
		}
	})
	return cmd, out
}

// readPTY copies what the terminal shows into the returned collector until the master fails.
func readPTY(master *os.File) *output {
	out := &output{}
	go func() {
		r := bufio.NewReader(master)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return out
}

// waitFor waits until out contains want.
func waitFor(t *testing.T, out *output, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), want) },
		20*time.Second, 10*time.Millisecond, "waiting for %q; output so far: %q", want, out.String())
}

// A Ctrl-C typed in the terminal reaches limactl once: the terminal sends SIGINT to its
// foreground process group, which holds both limactl-logkeep and limactl, and Run does not relay
// it a second time.
func TestRunCtrlCInTerminalReachesLimactlOnce(t *testing.T) {
	master, slave := openPTY(t)
	cmd, _ := startWrapper(t, slave)
	shown := readPTY(master)
	waitFor(t, shown, "READY")

	_, err := master.Write([]byte{0x03}) // ^C, VINTR by default
	require.NoError(t, err)
	waitFor(t, shown, "SIGTERM=")
	require.NoError(t, cmd.Wait())
	assert.Contains(t, shown.String(), "SIGINT=1 SIGTERM=0", "limactl must see the Ctrl-C exactly once")
}

// A SIGTERM sent to limactl-logkeep alone, which the terminal never sends, is relayed, also while
// it runs in the terminal's foreground.
func TestRunRelaysSIGTERMInTerminalForeground(t *testing.T) {
	master, slave := openPTY(t)
	cmd, _ := startWrapper(t, slave)
	shown := readPTY(master)
	waitFor(t, shown, "READY")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitFor(t, shown, "SIGTERM=")
	require.NoError(t, cmd.Wait())
	assert.Contains(t, shown.String(), "SIGINT=0 SIGTERM=1")
}

// Without a controlling terminal no keyboard signal can reach limactl directly, so a SIGINT sent
// to limactl-logkeep (a service manager stopping it, `kill -INT`) is relayed, once.
func TestRunRelaysSIGINTWithoutTerminal(t *testing.T) {
	cmd, out := startWrapper(t, nil)
	waitFor(t, out, "READY")

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	waitFor(t, out, "SIGTERM=")
	require.NoError(t, cmd.Wait())
	assert.Contains(t, out.String(), "SIGINT=1 SIGTERM=0")
}

// A limactl killed by a signal gives 128+signal, as a shell reports it, and Run itself survives
// the signals it catches.
func TestRunReportsSignalDeathAsShellDoes(t *testing.T) {
	status, err := Limactl{Path: "/bin/sh"}.Run(context.Background(), "-c", "kill -TERM $$")
	require.NoError(t, err)
	assert.Equal(t, 128+int(syscall.SIGTERM), status)
}
