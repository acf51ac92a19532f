// Package yamlfile parses the YAML files ops edit (prompts/, the knowledge
// base's front matter, eval conversations) and says on which line a syntax
// error is, so every loader reports it as file:line the same way.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a YAML syntax or type error at a 1-based line of the parsed text.
// Msg is what ops read: a plain hint for a common editing mistake (see
// Mistake) when one explains the error, else the parser's own text, which
// Raw always keeps.
type Error struct {
	Line int
	Msg  string
	Raw  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse decodes data into a node tree. A syntax error comes back as *Error
// at the line of the mistake. A panic of the decoder on hostile input is an
// error too: no file may take the bot down.
func Parse(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		return nil, Locate(err, data)
	}
	return &doc, nil
}

// Decode is node.Decode with type errors ("cannot unmarshal !!str into
// int") turned into *Error at the node's line.
func Decode(n *yaml.Node, v any) error {
	if err := n.Decode(v); err != nil {
		return Locate(err, nil)
	}
	return nil
}

func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: cannot parse: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}

// Where returns the line and message of an error from Parse or Decode, and
// line 1 with the whole text for any other error.
func Where(err error) (int, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Line, e.Msg
	}
	return 1, err.Error()
}

var lineRE = regexp.MustCompile(`^line (\d+): `)

// Locate turns an error of the yaml package about src into *Error. yaml.v3
// names the line where the enclosing construct began, not the line of the
// mistake, counted from 0 for parser errors ("did not find expected key")
// and from 1 for scanner errors: a misindented entry on line 20 of a list
// that starts on line 16 is reported at 15. So the reported line is only a
// lower bound; the mistake is on the first line from there at which the
// text, cut after that line, stops parsing for good. A cut inside a quoted
// string or flow list that a later line closes fails too, so a failing cut
// that parses again within a few lines is passed over. Type errors name the
// node's own line and are taken as they are.
func Locate(err error, src []byte) *Error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		line, msg := 1, te.Errors[0]
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		return &Error{Line: max(line, 1), Msg: msg, Raw: msg}
	}
	e := locate(err, src)
	if line, hint := Mistake(src, e.Line); hint != "" {
		e.Line, e.Msg = line, hint
	}
	return e
}

// locate finds the line of a syntax error (see Locate).
func locate(err error, src []byte) *Error {
	from, msg := split(err)
	lines := bytes.Split(bytes.TrimRight(src, "\n"), []byte("\n"))
	parses := func(k int) bool {
		var n yaml.Node
		return unmarshal(bytes.Join(lines[:k], []byte("\n")), &n) == nil
	}
	from = max(from, 1)
	// Each try parses the text up to there: error paths only, and the
	// files are small, but a pathological one must not stall a reload.
	const reach, reopen = 500, 20
	for k := from; k <= len(lines) && k < from+reach; k++ {
		if parses(k) {
			continue
		}
		closed := false
		for j := k + 1; j < len(lines) && j <= k+reopen; j++ {
			if parses(j) {
				k, closed = j, true
				break
			}
		}
		if !closed {
			return &Error{Line: k, Msg: msg, Raw: msg}
		}
	}
	return &Error{Line: min(from, max(len(lines), 1)), Msg: msg, Raw: msg}
}

// split parses yaml.v3's "yaml: line N: message" (the line is left out for
// the first line of the text), returning the 1-based lower bound of the
// mistake's line.
func split(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return line, msg
}
