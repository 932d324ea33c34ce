// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"encoding/json"
	"time"
)

// The JSON forms below are what `boots --json` and `preserved --json` print. Field
// names are lowerCamelCase, as in `limactl list --json`, and stable; times are RFC 3339
// in UTC; sizes are bytes.

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

// OutcomeFields are the JSON fields of a boot's outcome, in `boots --json` and in a
// bundle's manifest.
type OutcomeFields struct {
	Outcome          string     `json:"outcome"`          // Outcome.Result
	Errors           []string   `json:"errors"`           // never null
	ErrorsFrom       string     `json:"errorsFrom"`       // "events", "ha.stderr" or ""
	StartedAt        *time.Time `json:"startedAt"`        // the first event; null when none
	RunningAt        *time.Time `json:"runningAt"`        // the running event; null when none
	EndedAt          *time.Time `json:"endedAt"`          // the last event of an ended boot; null otherwise
	EndedBy          string     `json:"endedBy"`          // "exiting", "cutOff" or ""
	SecondsToRunning *float64   `json:"secondsToRunning"` // from startedAt to runningAt; null when not running
}

// outcomeFields returns the JSON fields of o.
func outcomeFields(o Outcome) OutcomeFields {
	f := OutcomeFields{Outcome: o.Result, Errors: o.Errors, ErrorsFrom: o.ErrorsFrom, EndedBy: o.EndedBy,
		StartedAt: utcOrNil(o.Started), RunningAt: utcOrNil(o.Running), EndedAt: utcOrNil(o.Ended)}
	if f.Errors == nil {
		f.Errors = []string{}
	}
	if d, ok := o.ToRunning(); ok {
		secs := d.Round(time.Millisecond).Seconds()
		f.SecondsToRunning = &secs
	}
	return f
}

func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

type bootJSON struct {
	Index         int       `json:"index"`
	Generation    *int      `json:"generation"`
	Current       bool      `json:"current"`
	FirstModified time.Time `json:"firstModified"`
	LastModified  time.Time `json:"lastModified"`
	Size          int64     `json:"size"`
	OutcomeFields
	Files []File `json:"files"`
}

// MarshalJSON encodes b as {index, generation (null for the active logs), current,
// firstModified, lastModified, size, the OutcomeFields, files}.
func (b Boot) MarshalJSON() ([]byte, error) {
	v := bootJSON{Index: b.Index, Current: b.Current(), FirstModified: b.First.UTC(),
		LastModified: b.Last.UTC(), Size: b.Size, OutcomeFields: outcomeFields(b.Outcome), Files: b.Files}
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
