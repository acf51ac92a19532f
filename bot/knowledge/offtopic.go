package knowledge

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// LoadOffTopic reads the off-topic messages calibration asks of every
// knowledge base: every *.txt file in dir (prompts/offtopic/en.txt,
// zh.txt, ko.txt ...), one message per line, # starting a comment line.
// A missing folder gives no messages and no problem: calibration then
// rests on the base's own questions alone.
func LoadOffTopic(fsys fs.FS, dir string) ([]string, []Problem) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if _, statErr := fs.Stat(fsys, dir); statErr != nil {
			return nil, nil
		}
		return nil, []Problem{{File: dir, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)}}
	}
	var out []string
	var problems []Problem
	seen := map[string]string{}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || path.Ext(name) != ".txt" {
			continue
		}
		file := path.Join(dir, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			problems = append(problems, Problem{File: file, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for line := 1; sc.Scan(); line++ {
			m := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
			switch {
			case m == "" || strings.HasPrefix(m, "#"):
				continue
			case !utf8.ValidString(m):
				problems = append(problems, Problem{File: file, Line: line, Msg: "not UTF-8 text; line skipped"})
				continue
			case utf8.RuneCountInString(m) > 500:
				problems = append(problems, Problem{File: file, Line: line, Msg: "longer than 500 characters; write one message per line"})
				continue
			}
			if prev, dup := seen[m]; dup {
				problems = append(problems, Problem{File: file, Line: line, Msg: fmt.Sprintf("%q is already listed at %s", m, prev)})
				continue
			}
			seen[m] = fmt.Sprintf("%s:%d", file, line)
			out = append(out, m)
		}
		if err := sc.Err(); err != nil {
			problems = append(problems, Problem{File: file, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)})
		}
	}
	return out, problems
}
