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
	"path"
	"strings"
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
}

func newBundle(ctx context.Context, w io.Writer, prefix string, progress func(done, total int64)) *bundle {
	zw := gzip.NewWriter(w)
	return &bundle{ctx: ctx, zw: zw, tw: tar.NewWriter(zw), prefix: prefix, progress: progress, buf: make([]byte, 64<<10)}
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
	sum, err := b.write(entry.Path, size, it.file.Modified, src, !it.gunzip)
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
	entry := ManifestFile{Path: path.Join(b.prefix, "limactl-version.txt"), Source: "limactl --version",
		Size: int64(len(content)), Modified: m.Created}
	sum, err := b.write(entry.Path, entry.Size, m.Created, strings.NewReader(content), false)
	if err != nil {
		return err
	}
	entry.SHA256 = hex.EncodeToString(sum.Sum(nil))
	m.Files = append(m.Files, entry)
	return nil
}

// addManifest stores m as manifest.json, the archive's last entry.
func (b *bundle) addManifest(m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	_, err = b.write(path.Join(b.prefix, "manifest.json"), int64(len(data)), m.Created, bytes.NewReader(data), false)
	return err
}

// close ends the tar stream and the gzip stream.
func (b *bundle) close() error {
	if err := b.tw.Close(); err != nil {
		return err
	}
	return b.zw.Close()
}
