package history

import "time"

// ManifestFormat is the version of the manifest's layout; it changes only when a
// field changes meaning or goes away.
const ManifestFormat = 1

// Manifest is the "manifest.json" of a bundle. Field names are stable.
type Manifest struct {
	Format              int                `json:"format"`                  // ManifestFormat
	Created             time.Time          `json:"created"`                 // UTC
	ToolVersion         string             `json:"limactl_logkeep_version"` // the collecting program
	LimactlVersion      string             `json:"limactl_version"`         // `limactl --version`, "" if it failed
	LimactlVersionError string             `json:"limactl_version_error"`   // why it failed, else ""
	Instances           []ManifestInstance `json:"instances"`
	Files               []ManifestFile     `json:"files"`   // every file of the bundle but the manifest
	Skipped             []ManifestSkip     `json:"skipped"` // files that could not be read
}

// ManifestInstance is one collected instance.
type ManifestInstance struct {
	Name          string   `json:"name"`
	InstanceDir   string   `json:"instance_dir"`   // "" when it no longer exists (deleted)
	PreservedSets []string `json:"preserved_sets"` // set names, oldest first
}

// ManifestFile is one file of the bundle.
type ManifestFile struct {
	Path      string    `json:"path"`      // in the archive, with the prefix
	Source    string    `json:"source"`    // where it was read on the host
	Size      int64     `json:"size"`      // bytes in the archive
	SHA256    string    `json:"sha256"`    // hex, of the bytes in the archive
	Modified  time.Time `json:"modified"`  // of the source, UTC
	Gunzipped bool      `json:"gunzipped"` // the source was a ".gz", stored decompressed
}

// ManifestSkip is a file left out of the bundle.
type ManifestSkip struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}
