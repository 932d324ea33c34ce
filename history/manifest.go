// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import "time"

// ManifestFormat is the version of the manifest's layout; it changes only when a
// field changes meaning or goes away. 2: keys in lowerCamelCase (1 had snake_case).
const ManifestFormat = 2

// Manifest is the "manifest.json" of a bundle. Field names are lowerCamelCase, as in
// `limactl list --json`, and stable.
type Manifest struct {
	Format              int                `json:"format"`                // ManifestFormat
	Created             time.Time          `json:"created"`               // UTC
	ToolVersion         string             `json:"limactlLogkeepVersion"` // the collecting program
	LimactlVersion      string             `json:"limactlVersion"`        // `limactl --version`, "" if it failed
	LimactlVersionError string             `json:"limactlVersionError"`   // why it failed, else ""
	Instances           []ManifestInstance `json:"instances"`
	Files               []ManifestFile     `json:"files"`     // every file of the bundle but the manifest
	Skipped             []ManifestSkip     `json:"skipped"`   // files and directories that could not be read
	GuestLogs           []ManifestGuestLog `json:"guestLogs"` // what --guest asked of the guests (empty without it)
	Redacted            []ManifestRedacted `json:"redacted"`  // what --redact replaced (empty without it)
}

// ManifestInstance is one collected instance.
type ManifestInstance struct {
	Name          string         `json:"name"`
	InstanceDir   string         `json:"instanceDir"`   // "" when it no longer exists (deleted)
	PreservedSets []string       `json:"preservedSets"` // set names, oldest first
	Boots         []ManifestBoot `json:"boots"`         // of the instance directory, then of each set, oldest first
}

// ManifestBoot is one boot of a collected instance and how it went.
type ManifestBoot struct {
	// Dir is where its files are in the archive, below the prefix: "<instance>/instance" or
	// "<instance>/preserved/<set>".
	Dir        string `json:"dir"`
	Index      int    `json:"index"`      // within Dir, as `boots` counts: 0 newest, -1, ...
	Generation *int   `json:"generation"` // N, or null for the active logs
	OutcomeFields
}

// ManifestFile is one file of the bundle.
type ManifestFile struct {
	Path      string    `json:"path"`      // in the archive, with the prefix
	Source    string    `json:"source"`    // where it was read on the host (or the command that gave it)
	Size      int64     `json:"size"`      // bytes in the archive
	SHA256    string    `json:"sha256"`    // hex, of the bytes in the archive
	Modified  time.Time `json:"modified"`  // of the source, UTC
	Gunzipped bool      `json:"gunzipped"` // the source was a ".gz", stored decompressed
	Redacted  bool      `json:"redacted"`  // stored with --redact's replacements
}

// ManifestSkip is a file or directory left out of the bundle.
type ManifestSkip struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}

// ManifestGuestLog is one log asked of a guest with --guest.
type ManifestGuestLog struct {
	Instance  string `json:"instance"`
	Name      string `json:"name"`      // the file name in <instance>/guest/; "" when none was asked (not running)
	Command   string `json:"command"`   // how it was read
	Path      string `json:"path"`      // in the archive; "" when not taken
	Truncated bool   `json:"truncated"` // it was longer than the size limit: its end is missing
	Missing   string `json:"missing"`   // why it was not taken ("" when it was)
}

// ManifestRedacted is one kind of value --redact replaced.
type ManifestRedacted struct {
	Kind        string `json:"kind"`        // "user name", "IP address", ...
	Placeholder string `json:"placeholder"` // what it became, e.g. "<ip-1>" ("<ip-N>" for a family)
	Distinct    int    `json:"distinct"`    // different values replaced
	Count       int    `json:"count"`       // replacements made
}
