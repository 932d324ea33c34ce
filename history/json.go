package history

import (
	"encoding/json"
	"time"
)

// The JSON forms below are what `boots --json` and `preserved --json` print. Field
// names are snake_case and stable; times are RFC 3339 in UTC; sizes are bytes.

type fileJSON struct {
	Name       string    `json:"name"`
	Log        string    `json:"log"`
	Path       string    `json:"path"`
	Size       int64     `json:"size"`
	Modified   time.Time `json:"modified"`
	Compressed bool      `json:"compressed"`
}

// MarshalJSON encodes f as {name, log, path, size, modified, compressed}.
func (f File) MarshalJSON() ([]byte, error) {
	return json.Marshal(fileJSON{f.Name, f.Log, f.Path, f.Size, f.Modified.UTC(), f.Compressed})
}

type bootJSON struct {
	Index         int       `json:"index"`
	Generation    *int      `json:"generation"`
	Current       bool      `json:"current"`
	FirstModified time.Time `json:"first_modified"`
	LastModified  time.Time `json:"last_modified"`
	Size          int64     `json:"size"`
	Files         []File    `json:"files"`
}

// MarshalJSON encodes b as {index, generation (null for the active logs),
// current, first_modified, last_modified, size, files}.
func (b Boot) MarshalJSON() ([]byte, error) {
	v := bootJSON{Index: b.Index, Current: b.Current(), FirstModified: b.First.UTC(),
		LastModified: b.Last.UTC(), Size: b.Size, Files: b.Files}
	if !b.Current() {
		v.Generation = &b.Generation
	}
	if v.Files == nil {
		v.Files = []File{}
	}
	return json.Marshal(v)
}

type setJSON struct {
	Instance string    `json:"instance"`
	Name     string    `json:"name"`
	Time     time.Time `json:"time"`
	Path     string    `json:"path"`
	Size     int64     `json:"size"`
	Files    []File    `json:"files"`
}

// MarshalJSON encodes s as {instance, name, time, path, size, files}.
func (s Set) MarshalJSON() ([]byte, error) {
	v := setJSON{s.Instance, s.Name, s.Time.UTC(), s.Path, s.Size, s.Files}
	if v.Files == nil {
		v.Files = []File{}
	}
	return json.Marshal(v)
}
