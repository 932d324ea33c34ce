// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"limactl-logkeep/limaadapter"
)

// The per-user service that runs the agent.
const (
	// UnitName is the systemd user unit (Linux).
	UnitName = "limactl-logkeep-agent.service"
	// Label is the launchd agent's label (macOS).
	Label = "io.github.limactl-logkeep.agent"
)

// Service is the agent as a per-user service: the program (limactl-logkeep's absolute path) and
// its arguments (the global options, "agent", the --lima-home options). Getenv reads HOME and
// XDG_CONFIG_HOME (nil: os.Getenv).
type Service struct {
	Program string
	Args    []string
	Getenv  func(string) string
}

func (s Service) getenv(name string) string {
	if s.Getenv == nil {
		return os.Getenv(name)
	}
	return s.Getenv(name)
}

// ServicePath returns where the service's file is on this platform: the systemd user unit
// $XDG_CONFIG_HOME/systemd/user/limactl-logkeep-agent.service (default ~/.config) on Linux and
// other Unix, the launchd agent ~/Library/LaunchAgents/io.github.limactl-logkeep.agent.plist on
// macOS. Windows has none (ErrUnsupported).
func (s Service) ServicePath() (string, error) {
	switch runtime.GOOS {
	case "windows":
		return "", ErrUnsupported
	case "darwin":
		home := s.getenv("HOME")
		if home == "" {
			return "", errors.New("cannot find the launchd agents directory: HOME is not set")
		}
		return filepath.Join(home, "Library", "LaunchAgents", Label+".plist"), nil
	}
	config := s.getenv("XDG_CONFIG_HOME")
	if config == "" {
		home := s.getenv("HOME")
		if home == "" {
			return "", errors.New("cannot find the systemd user unit directory: neither XDG_CONFIG_HOME nor HOME is set")
		}
		config = filepath.Join(home, ".config")
	}
	return filepath.Join(config, "systemd", "user", UnitName), nil
}

// SystemdUnit returns the systemd user unit that runs the agent at login and restarts it if it
// dies (Restart=always).
func (s Service) SystemdUnit() []byte {
	words := []string{limaadapter.SystemdQuote(s.Program)}
	for _, a := range s.Args {
		words = append(words, limaadapter.SystemdQuoteArg(a))
	}
	return fmt.Appendf(nil, `# Written by limactl logkeep agent install; remove with limactl logkeep agent uninstall.
[Unit]
Description=limactl-logkeep agent: keeps the logs of every boot of Lima instances

[Service]
Type=simple
ExecStart=%s
Restart=always
RestartSec=2

[Install]
WantedBy=default.target
`, strings.Join(words, " "))
}

// LaunchdPlist returns the launchd agent that runs the agent at login (RunAtLoad) and restarts
// it if it dies (KeepAlive), its output in ~/Library/Logs/limactl-logkeep-agent.log.
func (s Service) LaunchdPlist() []byte {
	var args bytes.Buffer
	for _, a := range append([]string{s.Program}, s.Args...) {
		args.WriteString("\t\t<string>")
		_ = xml.EscapeText(&args, []byte(a)) // writes to a buffer: no error
		args.WriteString("</string>\n")
	}
	var logPath bytes.Buffer
	_ = xml.EscapeText(&logPath, []byte(filepath.Join(s.getenv("HOME"), "Library", "Logs", "limactl-logkeep-agent.log")))
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by limactl logkeep agent install; remove with limactl logkeep agent uninstall. -->
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>%s</string>
	<key>ProgramArguments</key>
	<array>
%s	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<true/>
	<key>ProcessType</key>
	<string>Background</string>
	<key>StandardOutPath</key>
	<string>%s</string>
	<key>StandardErrorPath</key>
	<string>%s</string>
</dict>
</plist>
`, Label, args.String(), logPath.String(), logPath.String())
}

// serviceFile returns the content of the service's file on this platform.
func (s Service) serviceFile() []byte {
	if runtime.GOOS == "darwin" {
		return s.LaunchdPlist()
	}
	return s.SystemdUnit()
}

// Runner runs a service manager command (systemctl, launchctl) and returns its combined output.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// RunCommand is the real Runner.
func RunCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	return exec.CommandContext(ctx, name, args...).CombinedOutput()
}

// ErrNotEnabled is wrapped by Install's error when the service's file was written but the
// service manager could not enable and start it (no user session with systemd, say).
var ErrNotEnabled = errors.New("the service is installed but not enabled")

// Install writes the service's file (atomically, mode 0644, replacing an older one) and, with
// enable, has the service manager load it and start the agent now and at every login:
// `systemctl --user daemon-reload` and `systemctl --user enable --now limactl-logkeep-agent`, or
// `launchctl bootstrap gui/UID PLIST`. It returns the file's path. When enabling fails, the file
// stays and the error wraps ErrNotEnabled, saying what to run.
func (s Service) Install(ctx context.Context, enable bool, run Runner) (string, error) {
	if !filepath.IsAbs(s.Program) {
		return "", fmt.Errorf("the path of limactl-logkeep must be absolute, not %q", s.Program)
	}
	path, err := s.ServicePath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", filepath.Dir(path), err)
	}
	if err := writeFileMode(path, s.serviceFile(), 0o644); err != nil {
		return "", err
	}
	if !enable {
		return path, nil
	}
	for _, cmd := range s.enableCommands(path) {
		if out, err := run(ctx, cmd[0], cmd[1:]...); err != nil {
			return path, fmt.Errorf("%w: `%s` failed (%v: %s); run it yourself once a user session with %s runs",
				ErrNotEnabled, strings.Join(cmd, " "), err, oneLine(out), cmd[0])
		}
	}
	return path, nil
}

// enableCommands are the service manager commands that load and start the service at path.
func (s Service) enableCommands(path string) [][]string {
	if runtime.GOOS == "darwin" {
		return [][]string{{"launchctl", "bootstrap", "gui/" + strconv.Itoa(os.Getuid()), path}}
	}
	return [][]string{{"systemctl", "--user", "daemon-reload"}, {"systemctl", "--user", "enable", "--now", UnitName}}
}

// Uninstall stops and disables the service (`systemctl --user disable --now`, or `launchctl
// bootout`), then removes its file, and returns the path it removed ("" when it was not
// installed). A service manager that cannot be asked (none runs) does not stop the removal: the
// failure is returned as a warning, the file is gone.
func (s Service) Uninstall(ctx context.Context, run Runner) (path string, warning error, err error) {
	if path, err = s.ServicePath(); err != nil {
		return "", nil, err
	}
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return "", nil, nil
	}
	cmd := []string{"systemctl", "--user", "disable", "--now", UnitName}
	if runtime.GOOS == "darwin" {
		cmd = []string{"launchctl", "bootout", "gui/" + strconv.Itoa(os.Getuid()) + "/" + Label}
	}
	if out, err := run(ctx, cmd[0], cmd[1:]...); err != nil {
		warning = fmt.Errorf("`%s` failed (%v: %s): stop the agent yourself if it runs", strings.Join(cmd, " "), err, oneLine(out))
	}
	if err := os.Remove(path); err != nil {
		return path, warning, fmt.Errorf("cannot remove %s: %w", path, err)
	}
	if runtime.GOOS != "darwin" {
		_, _ = run(ctx, "systemctl", "--user", "daemon-reload")
	}
	return path, warning, nil
}

// Installed reads the service's file: its path, whether it exists, and the Lima homes its agent
// watches (its --lima-home options).
func (s Service) Installed() (path string, installed bool, homes []string, err error) {
	if path, err = s.ServicePath(); err != nil {
		return "", false, nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return path, false, nil, nil
	} else if err != nil {
		return path, false, nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return path, true, HomesOf(b), nil
}

// HomesOf returns the Lima homes named by the --lima-home options in a service file written by
// Install: the "--lima-home=DIR" arguments of its ExecStart (systemd) or ProgramArguments
// (launchd).
func HomesOf(file []byte) []string {
	var homes []string
	for _, arg := range ServiceCommand(file) {
		if home, ok := strings.CutPrefix(arg, "--lima-home="); ok {
			homes = append(homes, home)
		}
	}
	return homes
}

// ServiceCommand returns the command line (program and arguments) of a service file written by
// Install: the words of its ExecStart as systemd reads them, or its ProgramArguments.
func ServiceCommand(file []byte) []string {
	if bytes.Contains(file, []byte("<plist")) {
		var p struct {
			Dict struct {
				Items []struct {
					XMLName xml.Name
					Text    string   `xml:",chardata"`
					Strings []string `xml:"string"`
				} `xml:",any"`
			} `xml:"dict"`
		}
		if xml.Unmarshal(file, &p) != nil {
			return nil
		}
		items := p.Dict.Items
		for i := 0; i+1 < len(items); i += 2 {
			if items[i].XMLName.Local == "key" && items[i].Text == "ProgramArguments" {
				return items[i+1].Strings
			}
		}
		return nil
	}
	for _, line := range strings.Split(string(file), "\n") {
		if value, ok := strings.CutPrefix(strings.TrimSpace(line), "ExecStart="); ok {
			return unitWords(value)
		}
	}
	return nil
}

// unitWords splits an Exec*= value made of words quoted as limaadapter.SystemdQuoteArg quotes
// them (double quotes, \\ and \" escaped, % and $ doubled), as systemd reads them.
func unitWords(value string) []string {
	var words []string
	for value = strings.TrimSpace(value); strings.HasPrefix(value, `"`); value = strings.TrimSpace(value) {
		var w strings.Builder
		i := 1
		for ; i < len(value) && value[i] != '"'; i++ {
			switch c := value[i]; {
			case c == '\\' && i+1 < len(value):
				i++
				w.WriteByte(value[i])
			case (c == '%' || c == '$') && i+1 < len(value) && value[i+1] == c:
				i++
				w.WriteByte(c)
			default:
				w.WriteByte(c)
			}
		}
		words = append(words, w.String())
		if i >= len(value) {
			break
		}
		value = value[i+1:]
	}
	return words
}

// oneLine squeezes a command's output into one short line for an error message.
func oneLine(out []byte) string {
	s := strings.Join(strings.Fields(string(out)), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	if s == "" {
		s = "no output"
	}
	return s
}
