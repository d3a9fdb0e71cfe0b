package fetch

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ErrNotInMirror means the requested file does not exist under the mirror
// root. The wrapping error names the absolute path that was looked for.
var ErrNotInMirror = errors.New("not in mirror")

// ReadMirror reads the file relPath (slash-separated, as in catalog.File.Path)
// under the mirror folder root. maxBytes bounds the file size; zero or
// negative means DefaultMaxBytes, and a larger file is ErrTooLarge.
//
// The Result's Source is the file's absolute path, Retrieved is the UTC time
// of reading, LastModified is the file's modification time in HTTP date
// format, Status is 0 and Attempts is 1. A missing file gives an error
// "not in mirror: <path>" that satisfies errors.Is(err, ErrNotInMirror).
// relPath must stay inside root: absolute paths and ".." are refused.
func ReadMirror(root, relPath string, maxBytes int64) (Result, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	rel := filepath.FromSlash(relPath)
	if !filepath.IsLocal(rel) {
		return Result{Source: relPath}, fmt.Errorf("mirror path %q is not a relative path inside the mirror root", relPath)
	}
	abs, err := filepath.Abs(filepath.Join(root, rel))
	if err != nil {
		return Result{Source: relPath}, fmt.Errorf("mirror %s: %w", relPath, err)
	}
	res := Result{Source: abs, Attempts: 1}

	file, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("%w: %s", ErrNotInMirror, abs)
	}
	if err != nil {
		return res, fmt.Errorf("mirror: %w", err) // *PathError names the path.
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return res, fmt.Errorf("mirror: %w", err)
	}
	if info.IsDir() {
		return res, fmt.Errorf("mirror %s: is a directory, not a file", abs)
	}
	size := info.Size()
	if !info.Mode().IsRegular() {
		size = -1 // Unknown: read through the limit.
	}
	body, err := readBody(file, size, maxBytes)
	if err != nil {
		return res, fmt.Errorf("mirror %s: %w", abs, err)
	}
	res.Body = body
	res.LastModified = info.ModTime().UTC().Format(http.TimeFormat)
	res.Retrieved = time.Now().UTC()
	return res, nil
}
