package gaps

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/batonhq/baton/bot/knowledge"
)

// ErrNoFolder means the knowledge is embedded in the binary: there is no
// folder to write to (set BATON_KNOWLEDGE_DIR).
var ErrNoFolder = errors.New("the knowledge base is embedded, not a folder: set BATON_KNOWLEDGE_DIR to edit it")

// AddQuestions appends phrasings to the questions: list of the entry id in
// lang, in the knowledge folder dir. Phrasings the entry has already are
// skipped. The file is checked as `baton check` would after the edit, and
// left as it was when the result has a problem. It returns the file and
// how many phrasings were added. Hot reload picks the edit up.
func AddQuestions(dir, id, lang string, phrasings []string) (string, int, error) {
	if dir == "" {
		return "", 0, ErrNoFolder
	}
	kb, _ := knowledge.Load(os.DirFS(dir), ".")
	e, ok := kb.Entry(id, lang)
	if !ok || e.Lang != lang {
		return "", 0, fmt.Errorf("no entry %s in %s", id, lang)
	}
	file := filepath.Join(dir, filepath.FromSlash(e.File))
	have := map[string]bool{}
	for _, q := range e.Questions {
		have[strings.ToLower(strings.TrimSpace(q))] = true
	}
	var add []string
	for _, p := range phrasings {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || have[strings.ToLower(p)] {
			continue
		}
		have[strings.ToLower(p)] = true
		add = append(add, p)
	}
	if len(add) == 0 {
		return e.File, 0, nil
	}
	old, err := os.ReadFile(file)
	if err != nil {
		return e.File, 0, fmt.Errorf("reading %s: %w", e.File, err)
	}
	updated, err := insertQuestions(string(old), add)
	if err != nil {
		return e.File, 0, fmt.Errorf("%s: %w", e.File, err)
	}
	if err := writeChecked(dir, file, e.File, []byte(updated), old); err != nil {
		return e.File, 0, err
	}
	return e.File, len(add), nil
}

// insertQuestions adds items after the last item of the front matter's
// questions: list, in the list's own indentation.
func insertQuestions(doc string, add []string) (string, error) {
	lines := strings.Split(doc, "\n")
	start, end := -1, -1
	fence := 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "---" {
			fence++
			if fence == 2 {
				end = i
				break
			}
			continue
		}
		if fence == 1 && strings.HasPrefix(l, "questions:") {
			start = i
		}
	}
	if start < 0 || end < 0 {
		return "", errors.New("no questions: list in the front matter")
	}
	if rest := strings.TrimSpace(strings.TrimPrefix(lines[start], "questions:")); rest != "" {
		return "", errors.New("questions: is written inline; write it as a list, one item per line, to add to it")
	}
	last, indent := start, "  "
	for i := start + 1; i < end; i++ {
		t := strings.TrimLeft(lines[i], " ")
		if strings.HasPrefix(t, "- ") || t == "-" {
			last, indent = i, lines[i][:len(lines[i])-len(t)]
			continue
		}
		if strings.TrimSpace(lines[i]) == "" || strings.HasPrefix(lines[i], " ") {
			continue // a continuation line or a blank line
		}
		break // the next key
	}
	items := make([]string, len(add))
	for i, a := range add {
		items[i] = indent + "- " + strconv.Quote(a)
	}
	out := append([]string{}, lines[:last+1]...)
	out = append(out, items...)
	out = append(out, lines[last+1:]...)
	return strings.Join(out, "\n"), nil
}

// Draft writes a new entry file for a cluster: its wordings as questions
// and a placeholder answer. It is saved as <id>.md.draft, which Baton does
// not load, so no customer sees a half-written answer: ops write the
// answer and rename it to .md (then `baton check` and hot reload take it).
func Draft(dir, lang, id string, questions []string) (string, error) {
	if dir == "" {
		return "", ErrNoFolder
	}
	id = strings.Trim(filepath.ToSlash(filepath.Clean(id)), "/")
	if id == "" || id == "." || strings.HasPrefix(id, "..") || strings.ContainsAny(id, `\:*?"<>|`) {
		return "", fmt.Errorf("draft id %q: want a path like shipping/customs", id)
	}
	if lang == "" || strings.ContainsAny(lang, `/\.`) {
		return "", fmt.Errorf("draft language %q: want a code like en", lang)
	}
	var b strings.Builder
	b.WriteString("---\nquestions:\n")
	for _, q := range questions {
		if q = strings.Join(strings.Fields(q), " "); q != "" {
			b.WriteString("  - " + strconv.Quote(q) + "\n")
		}
	}
	b.WriteString("---\nTODO: write the answer customers should get, then rename this file to .md.\n")
	rel := filepath.Join(lang, filepath.FromSlash(id)) + ".md.draft"
	file := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return rel, fmt.Errorf("drafting %s: %w", rel, err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return rel, fmt.Errorf("drafting %s: %w", rel, err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return rel, fmt.Errorf("drafting %s: %w", rel, err)
	}
	return filepath.ToSlash(rel), f.Close()
}

// writeChecked replaces file with data, checks the knowledge folder as
// `baton check` does, and puts the old content back when the file has a
// problem now.
func writeChecked(dir, file, name string, data, old []byte) error {
	before := fileProblems(dir, name)
	tmp := file + ".baton-tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	var mine []string
	for msg, p := range fileProblems(dir, name) {
		if _, had := before[msg]; !had {
			mine = append(mine, p.String())
		}
	}
	if len(mine) == 0 {
		return nil
	}
	if err := os.WriteFile(file, old, 0o644); err != nil {
		return fmt.Errorf("%s has a problem after the edit (%s), and restoring it failed: %w", name, strings.Join(mine, "; "), err)
	}
	return fmt.Errorf("not saved: the edit would make %s invalid: %s", name, strings.Join(mine, "; "))
}

// fileProblems are the problems `baton check` finds in one file, by message
// (lines move when questions are added).
func fileProblems(dir, name string) map[string]knowledge.Problem {
	_, problems := knowledge.Load(os.DirFS(dir), ".")
	out := map[string]knowledge.Problem{}
	for _, p := range problems {
		if filepath.ToSlash(p.File) == filepath.ToSlash(name) {
			out[p.Msg] = p
		}
	}
	return out
}
