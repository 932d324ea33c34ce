// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// compressOlder gzips the plain generation files of bases with N < newest, after removing
// temporary files left by an interrupted compression.
func compressOlder(dir string, bases map[string]int, newest int, o ops, res *RotateResult) error {
	var errs []error
	if err := cleanCompressTemps(dir, bases, o, res); err != nil {
		errs = append(errs, err)
	}
	byN, err := generationFiles(dir, bases, res)
	if err != nil {
		return JoinErrors(append(errs, err)...)
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	for _, n := range ns {
		if n >= newest {
			continue
		}
		for _, g := range byN[n] {
			if g.Compressed {
				continue
			}
			if err := compressFile(dir, g, o, res); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return JoinErrors(errs...)
}

// cleanCompressTemps removes ".<base>.<N>.log.gz.tmp-<hex>" regular files of bases. Such a file is
// always redundant: the plain file is removed only after the temporary one was renamed into place.
func cleanCompressTemps(dir string, bases map[string]int, o ops, res *RotateResult) error {
	names, err := readDirNames(dir)
	if err != nil {
		return err
	}
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		final, ok := IsTempName(name)
		if !ok {
			continue
		}
		g, ok := ParseGeneration(final)
		if !ok || !g.Compressed {
			continue
		}
		if _, mine := bases[g.Base]; !mine {
			continue
		}
		removed, err := removeTemp(o, filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err)
		}
		if removed {
			res.Cleaned = append(res.Cleaned, name)
		}
	}
	return JoinErrors(errs...)
}

// compressFile replaces the plain generation file g with "<g>.gz", or finishes an interrupted
// compression when both exist.
func compressFile(dir string, g GenerationName, o ops, res *RotateResult) error {
	gz := g
	gz.Compressed = true
	gzPath := filepath.Join(dir, gz.String())
	gfi, err := o.lstat(gzPath)
	switch {
	case err == nil:
		return finishCompression(dir, g, gfi, o, res)
	case !errors.Is(err, os.ErrNotExist):
		return fileErr("stat", gzPath, "", err)
	}
	return compressPlain(dir, g, o, res)
}

// finishCompression handles a plain generation g whose ".gz" form (gfi) also exists, after a
// crash: the plain file is removed only if the ".gz" is a regular file that decompresses to
// exactly its bytes; otherwise both are kept and reported in res.Skipped.
func finishCompression(dir string, g GenerationName, gfi os.FileInfo, o ops, res *RotateResult) error {
	plainName, gzName := g.String(), g.String()+gzSuffix
	plain, gzPath := filepath.Join(dir, plainName), filepath.Join(dir, gzName)
	if !gfi.Mode().IsRegular() {
		res.Skipped = append(res.Skipped, Skip{Name: plainName,
			Reason: gzName + " exists and is a " + fileKind(gfi.Mode()) + ": both kept"})
		return nil
	}
	same, err := gunzipEquals(gzPath, plain)
	if err != nil || !same {
		why := "decompresses to different content"
		if err != nil {
			why = fmt.Sprintf("cannot be verified (%v)", err)
		}
		res.Skipped = append(res.Skipped, Skip{Name: plainName,
			Reason: gzName + " also exists but " + why + ": both kept"})
		return nil
	}
	if err := o.remove(plain); err != nil {
		return fileErr("remove (verified identical to "+gzName+")", plain, "", err)
	}
	res.Compressed = append(res.Compressed, plainName)
	return o.syncDirErr(dir)
}

// compressPlain gzips the plain generation g to "<g>.gz" (writeGzipAtomic), then removes the plain
// file if it is still the very file that was compressed, unchanged.
func compressPlain(dir string, g GenerationName, o ops, res *RotateResult) error {
	plainName, gzName := g.String(), g.String()+gzSuffix
	plain := filepath.Join(dir, plainName)
	in, err := OpenRegular(plain)
	if err != nil {
		return fileErr("compress", plain, "", err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fileErr("compress", plain, "", err)
	}
	if err := writeGzipAtomic(o, in, fi, plainName, filepath.Join(dir, gzName)); err != nil {
		return err
	}
	now, err := o.lstat(plain)
	if err != nil || !os.SameFile(fi, now) || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		res.Skipped = append(res.Skipped, Skip{Name: plainName,
			Reason: "changed while it was compressed: both it and " + gzName + " kept"})
		return nil
	}
	if err := o.remove(plain); err != nil {
		return fileErr("remove (compressed to "+gzName+")", plain, "", err)
	}
	res.Compressed = append(res.Compressed, plainName)
	return o.syncDirErr(dir)
}

// writeGzipAtomic gzips in (whose info is fi) to a temporary file next to gzPath, fsyncs it, and
// renames it to gzPath without replacing; mode and modification time follow fi.
func writeGzipAtomic(o ops, in *os.File, fi os.FileInfo, plainName, gzPath string) error {
	plain := filepath.Join(filepath.Dir(gzPath), plainName)
	out, err := createAtomic(o, gzPath)
	if err != nil {
		return fileErr("compress", plain, gzPath, err)
	}
	defer out.Abort()
	zw := gzip.NewWriter(out)
	zw.Name = plainName
	zw.ModTime = fi.ModTime()
	n, err := io.Copy(zw, in)
	if err == nil && n != fi.Size() {
		err = fmt.Errorf("read %d bytes, expected %d: file changed while compressing", n, fi.Size())
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = o.chmod(out.File, fi.Mode().Perm())
	}
	if err != nil {
		return fileErr("compress", plain, out.Name(), err)
	}
	return out.commit(false, fi.ModTime())
}

// gunzipEquals reports whether the gzip file gzPath decompresses to exactly the bytes of plain,
// reading both in bounded chunks. A corrupt or truncated gzip file is an error.
func gunzipEquals(gzPath, plain string) (bool, error) {
	zr, err := OpenLog(gzPath)
	if err != nil {
		return false, err
	}
	defer zr.Close()
	p, err := OpenRegular(plain)
	if err != nil {
		return false, err
	}
	defer p.Close()
	const chunk = 64 << 10
	a, b := make([]byte, chunk), make([]byte, chunk)
	for {
		na, errA := io.ReadFull(zr, a)
		nb, errB := io.ReadFull(p, b)
		if errA != nil && errA != io.EOF && errA != io.ErrUnexpectedEOF {
			return false, errA
		}
		if errB != nil && errB != io.EOF && errB != io.ErrUnexpectedEOF {
			return false, errB
		}
		if na != nb || !bytes.Equal(a[:na], b[:nb]) {
			return false, nil
		}
		if errA != nil || errB != nil { // short read on both sides: both ended
			return errA != nil && errB != nil, nil
		}
	}
}
