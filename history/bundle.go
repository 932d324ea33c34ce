// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"time"

	"limactl-logkeep/logfile"
)

// bundle writes a tar.gz archive entry by entry.
type bundle struct {
	ctx      context.Context
	zw       *gzip.Writer
	tw       *tar.Writer
	prefix   string
	done     int64
	total    int64
	progress func(done, total int64)
	buf      []byte
	rd       *redactor // --redact: every entry goes through it; nil otherwise
	spool    *os.File  // with rd: a redacted file is written here first, to know its size
}

func newBundle(ctx context.Context, w io.Writer, prefix string, progress func(done, total int64)) *bundle {
	zw := gzip.NewWriter(w)
	return &bundle{ctx: ctx, zw: zw, tw: tar.NewWriter(zw), prefix: prefix, progress: progress, buf: make([]byte, 64<<10)}
}

// redacted reads size bytes of src through the redactor into the spool file and returns it,
// positioned at its start, with its size. It fails with ErrChanged when src gives fewer bytes.
func (b *bundle) redacted(src io.Reader, size int64) (*os.File, int64, error) {
	if b.spool == nil {
		f, err := os.CreateTemp("", "limactl-logkeep-redact-")
		if err != nil {
			return nil, 0, fmt.Errorf("cannot create a temporary file to redact into: %w", err)
		}
		b.spool = f
	}
	if _, err := b.spool.Seek(0, io.SeekStart); err != nil {
		return nil, 0, err
	}
	if err := b.spool.Truncate(0); err != nil {
		return nil, 0, err
	}
	counted := &countingReader{r: io.LimitReader(src, size), ctx: b.ctx}
	n, err := b.rd.redactTo(b.spool, counted)
	if err != nil {
		return nil, 0, err
	}
	if counted.n < size {
		return nil, 0, fmt.Errorf("%w: it shrank while being read (%d of %d bytes)", ErrChanged, counted.n, size)
	}
	_, err = b.spool.Seek(0, io.SeekStart)
	return b.spool, n, err
}

// countingReader counts what it reads and stops when ctx is done.
type countingReader struct {
	r   io.Reader
	n   int64
	ctx context.Context
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// cleanup removes the spool file, if any.
func (b *bundle) cleanup() {
	if b.spool != nil {
		b.spool.Close()
		os.Remove(b.spool.Name())
		b.spool = nil
	}
}

// addBytes puts data in the archive as name (below the prefix), redacted with --redact, and
// records it in m as read from source.
func (b *bundle) addBytes(name string, data []byte, mod time.Time, source string, m *Manifest) error {
	entry := ManifestFile{Path: path.Join(b.prefix, name), Source: source, Modified: mod.UTC()}
	if b.rd != nil {
		data, entry.Redacted = b.rd.redactBytes(data), true
		entry.Source = string(b.rd.redactBytes([]byte(source)))
	}
	entry.Size = int64(len(data))
	sum, err := b.write(entry.Path, entry.Size, mod, bytes.NewReader(data), false)
	if err != nil {
		return err
	}
	entry.SHA256 = hex.EncodeToString(sum.Sum(nil))
	m.Files = append(m.Files, entry)
	return nil
}

// addFile puts one file in the archive and records it in m.
func (b *bundle) addFile(it item, m *Manifest, warn func(string)) error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	src, size, err := openItem(it)
	if err != nil {
		reason := err.Error()
		m.Skipped = append(m.Skipped, ManifestSkip{Source: it.file.Path, Reason: reason})
		if warn != nil {
			warn("left out of the bundle: " + reason)
		}
		return nil
	}
	defer src.Close()
	entry := ManifestFile{Path: path.Join(b.prefix, it.archive), Source: it.file.Path, Size: size,
		Modified: it.file.Modified.UTC(), Gunzipped: it.gunzip}
	var body io.Reader = src
	if b.rd != nil {
		if body, entry.Size, err = b.redacted(src, size); err != nil {
			return fmt.Errorf("cannot bundle %s: %w", it.file.Path, err)
		}
		entry.Source, entry.Redacted = string(b.rd.redactBytes([]byte(entry.Source))), true
		if !it.gunzip {
			b.report(it.file.Size)
		}
	}
	sum, err := b.write(entry.Path, entry.Size, it.file.Modified, body, !it.gunzip && b.rd == nil)
	if err != nil {
		return fmt.Errorf("cannot bundle %s: %w", it.file.Path, err)
	}
	if it.gunzip {
		b.report(it.file.Size)
	}
	entry.SHA256 = hex.EncodeToString(sum.Sum(nil))
	m.Files = append(m.Files, entry)
	return nil
}

// openItem opens the source of it and returns the number of bytes it will give:
// the file's size, or for a ".gz" stored decompressed, its decompressed size
// (found by a first pass). It never follows a symbolic link.
func openItem(it item) (io.ReadCloser, int64, error) {
	if !it.gunzip {
		f, err := logfile.OpenRegular(it.file.Path)
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, fi.Size(), nil
	}
	r, err := logfile.OpenLog(it.file.Path)
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil {
		return nil, 0, fmt.Errorf("cannot decompress %s: %w", it.file.Path, err)
	}
	r, err = logfile.OpenLog(it.file.Path)
	return r, n, err
}

// write adds an entry of the first size bytes of r and returns their sha256 (data
// appended to a growing log meanwhile is left out). It fails if r gives fewer.
func (b *bundle) write(name string, size int64, mod time.Time, r io.Reader, countProgress bool) (hash.Hash, error) {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: mod, Format: tar.FormatPAX}
	if err := b.tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	sum := sha256.New()
	left := size
	for left > 0 {
		if err := b.ctx.Err(); err != nil {
			return nil, err
		}
		chunk := b.buf
		if int64(len(chunk)) > left {
			chunk = chunk[:left]
		}
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			sum.Write(chunk[:n])
			if _, werr := b.tw.Write(chunk[:n]); werr != nil {
				return nil, werr
			}
			left -= int64(n)
			if countProgress {
				b.report(int64(n))
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: it shrank while being read (%d of %d bytes)", ErrChanged, size-left, size)
		} else if err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// report adds n bytes to the progress.
func (b *bundle) report(n int64) {
	b.done += n
	if b.progress != nil {
		b.progress(b.done, b.total)
	}
}

// addVersion stores the output of `limactl --version` as limactl-version.txt.
func (b *bundle) addVersion(version func() (string, error), m *Manifest) error {
	text, err := "", errors.New("not available")
	if version != nil {
		text, err = version()
	}
	content := text
	if err != nil {
		m.LimactlVersionError = err.Error()
		content = "limactl --version failed: " + err.Error() + "\n"
	} else {
		m.LimactlVersion = text
	}
	return b.addBytes("limactl-version.txt", []byte(content), m.Created, "limactl --version", m)
}

// addManifest stores m as manifest.json, the archive's last entry.
func (b *bundle) addManifest(m *Manifest) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // placeholders such as "<ip-1>" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	data := buf.Bytes()
	if b.rd != nil {
		data = b.rd.redactBytes(data)
	}
	_, err := b.write(path.Join(b.prefix, "manifest.json"), int64(len(data)), m.Created, bytes.NewReader(data), false)
	return err
}

// close ends the tar stream and the gzip stream.
func (b *bundle) close() error {
	if err := b.tw.Close(); err != nil {
		return err
	}
	return b.zw.Close()
}
