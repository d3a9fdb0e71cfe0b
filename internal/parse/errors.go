// Package parse holds what every producer-format parser shares: the parser
// signature, the registry that maps a catalog format name to its parser, and
// the error type that names the file, the line (or JSON path) and what was
// expected. The parsers themselves live in one sub-package per format.
package parse

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// Func parses the bytes of one producer file. file is the name used in error
// messages (a mirror path or URL); inds are the catalog indicators the file
// yields, which tell the parser the ids, units, frequencies and columns to use.
// A parser never panics; on bad input it returns an *Error.
type Func func(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error)

// Error is a parse failure located in a file: by line (1-based) for text
// formats, by JSON path for JSON formats.
type Error struct {
	File string
	Line int    // 1-based line number, 0 when not applicable
	Path string // JSON path such as "[3].data[59]", "" when not applicable
	Msg  string // what was found and what was expected
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.Path != "":
		return fmt.Sprintf("%s: at %s: %s", e.File, e.Path, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errorf returns an *Error for file at line.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// PathErrorf returns an *Error for file at a JSON path.
func PathErrorf(file, path string, format string, args ...any) *Error {
	return &Error{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
}
