// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Redaction says whose values collect --redact replaces in every file of a bundle, besides
// what it recognises by form: IPv4 and IPv6 addresses, MAC addresses, SSH public and private
// keys, SSH key fingerprints, and port numbers written next to an address, after "port" or
// after "-p". Each distinct value becomes a stable placeholder ("<ip-1>" everywhere the same
// address appears), so the bundle still reads. Empty fields are not looked for.
type Redaction struct {
	UserName string // the user's login name, replaced as a word: "<user>"
	HomeDir  string // the user's home directory: "<home>"
	// Ports are host ports known to be the instances' (the ssh ports in their events): replaced
	// wherever they appear as a number of their own, not only next to an address.
	Ports []int
}

// redactor replaces the values of a Redaction in text, line by line, numbering the values it
// meets in the order it meets them; it is used for every file of one bundle in turn.
type redactor struct {
	literals *regexp.Regexp     // the user's name and home (longest first)
	literal  map[string]string  // value -> placeholder
	byKind   map[string]*family // "ip" -> its values
	order    []string           // kinds in the order of the summary
	ports    map[string]string  // known host ports (>= 1024) -> placeholder
	counts   map[string]int     // placeholder kind -> replacements
	inKey    bool               // inside a private key block
}

// family numbers the distinct values of one kind: "<ip-1>", "<ip-2>", ...
type family struct {
	label  string // "IP address"
	prefix string // "ip"
	values map[string]string
}

// The forms the redactor recognises. Each is tried on a line only when a cheap test passes.
var (
	// The base64 blob of an SSH public key: its first bytes encode the key type's length and
	// name ("ssh-rsa", "ssh-ed25519", "ecdsa-...", "ssh-dss", "sk-..."), so the blob is found with or
	// without its type around it; a comment that follows it and looks like user@host or an
	// e-mail address goes with it.
	sshKeyRE = regexp.MustCompile(`AAAA(?:B3NzaC1yc2E|C3NzaC1lZDI1NTE5|E2VjZHNhLXNoYTIt|B3NzaC1kc3M|GnNrLXNzaC1lZDI1NTE5|InNrLWVjZHNh)[0-9A-Za-z+/]*={0,3}(?:[ \t]+[^\s"'@\\]*@[^\s"',\\\]]+)?`)
	// OpenSSH fingerprints: SHA256:<43 base64>, and the legacy 16 hex pairs (with MD5: or not).
	fingerprintRE = regexp.MustCompile(`SHA256:[0-9A-Za-z+/]{43}=?|(?:MD5:)?(?:[0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2}`)
	macRE         = regexp.MustCompile(`(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}`)
	ipv4RE        = regexp.MustCompile(`[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?`)
	ipv6RE        = regexp.MustCompile(`\[?(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:\]:[0-9]{1,5})?`)
	// A port named as one: "port 22", "Port: 22", `"sshLocalPort":22`, "-p 22", "localhost:22".
	portRE = regexp.MustCompile(`(?i)((?:^|[^a-z]|local|host|ssh)ports?["']?\s*[:=]?\s*|(?:^|\s)-p\s*|localhost:)([0-9]{1,5})\b`)
	// A number of its own, for the known ports.
	numberRE = regexp.MustCompile(`[0-9]+`)
)

// newRedactor prepares the replacements of r.
func newRedactor(r Redaction) *redactor {
	rd := &redactor{literal: map[string]string{}, byKind: map[string]*family{}, ports: map[string]string{}, counts: map[string]int{}}
	for _, k := range []struct{ kind, label string }{{"ssh-key", "SSH public key"}, {"private-key", "SSH private key"},
		{"ssh-fingerprint", "SSH key fingerprint"}, {"mac", "MAC address"}, {"ip", "IP address"}, {"port", "host port"}} {
		rd.byKind[k.kind] = &family{label: k.label, prefix: k.kind, values: map[string]string{}}
		rd.order = append(rd.order, k.kind)
	}
	var values []string
	add := func(value, placeholder string) {
		if value == "" || rd.literal[value] != "" {
			return
		}
		rd.literal[value] = placeholder
		values = append(values, value)
	}
	for _, home := range pathForms(r.HomeDir) {
		add(home, "<home>")
	}
	add(r.UserName, "<user>")
	if len(values) > 0 {
		slices.SortStableFunc(values, func(a, b string) int { return len(b) - len(a) })
		quoted := make([]string, len(values))
		for i, v := range values {
			quoted[i] = regexp.QuoteMeta(v)
		}
		rd.literals = regexp.MustCompile(strings.Join(quoted, "|"))
	}
	for _, p := range r.Ports {
		if p >= 1024 && p <= 65535 {
			rd.ports[strconv.Itoa(p)] = rd.placeholder("port", strconv.Itoa(p))
		}
	}
	return rd
}

// pathForms returns the ways a path is written in logs: as it is, with forward slashes, and
// with backslashes doubled as in JSON (Windows), without repeats and without "/" alone.
func pathForms(path string) []string {
	path = strings.TrimRight(path, `/\`)
	if path == "" {
		return nil
	}
	forms := []string{path, strings.ReplaceAll(path, `\`, "/"), strings.ReplaceAll(path, `\`, `\\`)}
	return slices.Compact(forms)
}

// placeholder returns the placeholder of value of kind, numbering a new one.
func (rd *redactor) placeholder(kind, value string) string {
	f := rd.byKind[kind]
	p, ok := f.values[value]
	if !ok {
		p = fmt.Sprintf("<%s-%d>", f.prefix, len(f.values)+1)
		f.values[value] = p
	}
	return p
}

// replace records one replacement of value of kind and returns its placeholder.
func (rd *redactor) replace(kind, value string) string {
	rd.counts[kind]++
	return rd.placeholder(kind, value)
}

// wordAt reports whether b[i:j] is not glued to letters, digits or '_' on either side.
func wordAt(b []byte, i, j int) bool {
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return (i == 0 || !isWord(b[i-1])) && (j == len(b) || !isWord(b[j]))
}

// line returns line with every value replaced; line ends with its newline, if any.
func (rd *redactor) line(line []byte) []byte {
	if rd.inKey || bytes.Contains(line, []byte("PRIVATE KEY-----")) {
		return rd.privateKey(line)
	}
	if bytes.Contains(line, []byte("AAAA")) {
		line = sshKeyRE.ReplaceAllFunc(line, func(m []byte) []byte { return []byte(rd.replace("ssh-key", string(m))) })
	}
	if bytes.Contains(line, []byte("SHA256:")) || bytes.Count(line, []byte(":")) >= 15 {
		line = fingerprintRE.ReplaceAllFunc(line, func(m []byte) []byte { return []byte(rd.replace("ssh-fingerprint", string(m))) })
	}
	if rd.literals != nil {
		line = replaceMatches(line, rd.literals, func(m []byte, i, j int, b []byte) []byte {
			p := rd.literal[string(m)]
			if p != "<home>" && !wordAt(b, i, j) {
				return m
			}
			rd.counts[p]++
			return []byte(p)
		})
	}
	if bytes.Count(line, []byte(":"))+bytes.Count(line, []byte("-")) >= 5 {
		line = replaceMatches(line, macRE, func(m []byte, i, j int, b []byte) []byte {
			if !wordAt(b, i, j) {
				return m
			}
			return []byte(rd.replace("mac", string(m)))
		})
	}
	if bytes.Count(line, []byte(".")) >= 3 {
		line = replaceMatches(line, ipv4RE, rd.ipv4)
	}
	if bytes.Count(line, []byte(":")) >= 2 {
		line = replaceMatches(line, ipv6RE, rd.ipv6)
	}
	line = rd.namedPorts(line)
	if len(rd.ports) > 0 {
		line = replaceMatches(line, numberRE, func(m []byte, i, j int, b []byte) []byte {
			p, ok := rd.ports[string(m)]
			if !ok || !wordAt(b, i, j) || i > 0 && b[i-1] == '.' || j < len(b) && b[j] == '.' && j+1 < len(b) && b[j+1] >= '0' && b[j+1] <= '9' {
				return m
			}
			rd.counts["port"]++
			return []byte(p)
		})
	}
	return line
}

// namedPorts replaces the ports named as such (portRE), keeping the words around them.
func (rd *redactor) namedPorts(b []byte) []byte {
	locs := portRE.FindAllSubmatchIndex(b, -1)
	if len(locs) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, l := range locs {
		port := string(b[l[4]:l[5]])
		rd.notePort(port)
		out = append(append(out, b[last:l[4]]...), rd.replace("port", port)...)
		last = l[5]
	}
	return append(out, b[last:]...)
}

// notePort makes a port seen in context known everywhere, when it is a host port (>= 1024).
func (rd *redactor) notePort(port string) {
	if n, err := strconv.Atoi(port); err == nil && n >= 1024 && n <= 65535 {
		rd.ports[port] = rd.placeholder("port", port)
	}
}

// ipv4 replaces an IPv4 address (and the port after it) unless the match is part of a longer
// dotted number or not an address.
func (rd *redactor) ipv4(m []byte, i, j int, b []byte) []byte {
	if i > 0 && (b[i-1] == '.' || b[i-1] >= '0' && b[i-1] <= '9') || j < len(b) && (b[j] == '.' && j+1 < len(b) && b[j+1] >= '0' && b[j+1] <= '9') {
		return m
	}
	addr, port, _ := strings.Cut(string(m), ":")
	if _, err := netip.ParseAddr(addr); err != nil {
		return m
	}
	out := rd.replace("ip", addr)
	if port != "" {
		rd.notePort(port)
		out += ":" + rd.replace("port", port)
	}
	return []byte(out)
}

// ipv6 replaces an IPv6 address ("[addr]:port" with its port) of at least three groups (or
// the loopback), so that "std::io" or a time "12:30:45" is left alone.
func (rd *redactor) ipv6(m []byte, i, j int, b []byte) []byte {
	if !wordAt(b, i, j) || j < len(b) && (b[j] == ':' || b[j] == '.') || i > 0 && b[i-1] == ':' {
		return m
	}
	s, port := string(m), ""
	if strings.HasPrefix(s, "[") {
		addr, rest, ok := strings.Cut(s[1:], "]")
		if !ok {
			return m
		}
		s, port = addr, strings.TrimPrefix(rest, ":")
	}
	a, err := netip.ParseAddr(s)
	groups := 0
	for g := range strings.SplitSeq(s, ":") {
		if g != "" {
			groups++
		}
	}
	if err != nil || !a.Is6() || groups < 3 && !a.IsLoopback() {
		return m
	}
	out := rd.replace("ip", s)
	if strings.HasPrefix(string(m), "[") {
		out = "[" + out + "]"
		if port != "" {
			rd.notePort(port)
			out += ":" + rd.replace("port", port)
		}
	}
	return []byte(out)
}

// privateKey replaces the lines of a private key block, BEGIN to END, by one placeholder.
func (rd *redactor) privateKey(line []byte) []byte {
	begin := bytes.Index(line, []byte("-----BEGIN "))
	end := bytes.Index(line, []byte("-----END "))
	switch {
	case !rd.inKey && begin >= 0:
		rd.inKey = true
		head := slices.Clone(line[:begin])
		if end > begin { // the whole block on one line
			rd.inKey = false
			tail := line[end+len("-----END "):]
			if k := bytes.Index(tail, []byte("-----")); k >= 0 {
				tail = tail[k+5:]
			}
			return append(append(head, rd.replace("private-key", "k"+strconv.Itoa(rd.counts["private-key"]))...), tail...)
		}
		return append(head, []byte(rd.replace("private-key", "k"+strconv.Itoa(rd.counts["private-key"]))+"\n")...)
	case rd.inKey && end >= 0:
		rd.inKey = false
		tail := line[end+len("-----END "):]
		if k := bytes.Index(tail, []byte("-----")); k >= 0 {
			tail = tail[k+5:]
		}
		return slices.Clone(bytes.TrimLeft(tail, " \t"))
	case rd.inKey:
		return nil
	}
	return line
}

// replaceMatches replaces each match of re in b by fn(match, start, end, b).
func replaceMatches(b []byte, re *regexp.Regexp, fn func(m []byte, i, j int, b []byte) []byte) []byte {
	locs := re.FindAllIndex(b, -1)
	if len(locs) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, l := range locs {
		out = append(out, b[last:l[0]]...)
		out = append(out, fn(b[l[0]:l[1]], l[0], l[1], b)...)
		last = l[1]
	}
	return append(out, b[last:]...)
}

// maxRedactLine bounds a line; a longer one is redacted in pieces of this size (a value cut in
// two at a piece's end is not recognised: a known limit for lines over 1 MiB).
const maxRedactLine = 1 << 20

// redactTo writes r to w with every value replaced, and returns the bytes written.
func (rd *redactor) redactTo(w io.Writer, r io.Reader) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	var n int64
	rd.inKey = false
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) && len(line) < maxRedactLine {
			continue
		}
		if len(line) > 0 {
			k, werr := w.Write(rd.line(line))
			n += int64(k)
			if werr != nil {
				return n, werr
			}
		}
		line = line[:0]
		if errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return n, err
		}
	}
}

// redactBytes returns data with every value replaced.
func (rd *redactor) redactBytes(data []byte) []byte {
	var buf bytes.Buffer
	_, _ = rd.redactTo(&buf, bytes.NewReader(data))
	return buf.Bytes()
}

// report lists what was replaced, for the manifest and the summary: the user's values first,
// then each family that was met.
func (rd *redactor) report() []ManifestRedacted {
	out := []ManifestRedacted{}
	for _, k := range []struct{ placeholder, label string }{{"<user>", "user name"}, {"<home>", "home directory"}} {
		if c := rd.counts[k.placeholder]; c > 0 {
			out = append(out, ManifestRedacted{Kind: k.label, Placeholder: k.placeholder, Distinct: 1, Count: c})
		}
	}
	for _, kind := range rd.order {
		f := rd.byKind[kind]
		if rd.counts[kind] > 0 {
			out = append(out, ManifestRedacted{Kind: f.label, Placeholder: "<" + f.prefix + "-N>", Distinct: len(f.values), Count: rd.counts[kind]})
		}
	}
	return out
}
