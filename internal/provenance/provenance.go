// Package provenance holds the types that say where a number comes from: the
// dataset version (file) that supplied it and the source line shown next to
// it. It sits below store and present so that presentation code can name
// provenance without importing the database layer.
package provenance

import "time"

// Version is one stored dataset version: a distinct file (or set of files)
// ingested for a dataset, with its checksum, size and retrieval time.
type Version struct {
	ID              int64     `json:"id"`
	Dataset         string    `json:"dataset"`
	ProducerVersion string    `json:"version"`
	Source          string    `json:"source"`
	SHA256          string    `json:"sha256"`
	Size            int64     `json:"size"`
	Retrieved       time.Time `json:"retrieved"`
	Ingested        time.Time `json:"ingested"`
	Rows            int       `json:"rows"`
	Current         bool      `json:"current"`
	// RestoredFrom is, for a version written by 'stocktake restore', the
	// id of the earlier version whose values it brought back (0 otherwise).
	RestoredFrom int64 `json:"restored_from,omitempty"`
}

// Source is the provenance shown next to a number: the dataset, its
// producer version, the checksum of the file and where and when it was read.
type Source struct {
	Dataset   string    `json:"dataset"`
	Version   string    `json:"version"`
	SHA256    string    `json:"sha256"`
	URL       string    `json:"url"`
	Files     int       `json:"files,omitempty"` // >1 for a series assembled from many files; SHA256 is then empty
	Retrieved time.Time `json:"retrieved"`
}

// VersionFile is one file of a dataset version, with its own checksum and
// size in bytes: a dataset read from several files (an Our World in Data CSV
// with its metadata.json) has one per file.
type VersionFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}
