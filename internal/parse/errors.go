// Package parse holds what every producer-format parser shares: the parser
// signature, the registry that maps a catalog format name to its parser, and
// the error type that names the file, the line (or JSON path) and what was
// expected. The parsers themselves live in one sub-package per format.
package parse

import (
	"fmt"
	"unicode/utf8"

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

// MaxMsg is the longest message an Error carries, in bytes: a message that
// quotes a huge field (a broken producer file can hold a 50 MB cell) is cut
// there, so that logs, fetch_state.last_error and the API stay small. The
// path and line are kept whole.
const MaxMsg = 240

// MaxPath bounds File and Path the same way.
const MaxPath = 200

func (e *Error) Error() string {
	file, msg := Limit(e.File, MaxPath), Limit(e.Msg, MaxMsg)
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", file, e.Line, msg)
	case e.Path != "":
		return fmt.Sprintf("%s: at %s: %s", file, Limit(e.Path, MaxPath), msg)
	}
	return fmt.Sprintf("%s: %s", file, msg)
}

// Errorf returns an *Error for file at line, its message cut to MaxMsg.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: Limit(fmt.Sprintf(format, args...), MaxMsg)}
}

// PathErrorf returns an *Error for file at a JSON path, its message cut to
// MaxMsg.
func PathErrorf(file, path string, format string, args ...any) *Error {
	return &Error{File: file, Path: path, Msg: Limit(fmt.Sprintf(format, args...), MaxMsg)}
}

// Limit cuts s to at most n bytes at a rune boundary and says how long it
// was, so that no message quotes more than n bytes of its input.
func Limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… [cut: %d bytes in all]", s[:cut], len(s))
}
