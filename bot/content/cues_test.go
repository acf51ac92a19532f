package content_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The cues of smalltalk.yaml (the words "why not?", praise and an angry
// request are read with) are data: an edit is served after a reload, as
// every prompt is, and a mistake in them is reported at its file:line.
func TestCuesAreHotReloadedAndChecked(t *testing.T) {
	h, pdir, _ := onDisk(t)
	msg := "get me a person, chop chop"
	if h.Current().Persona.Cue("urgent", msg) {
		t.Fatalf("%q is urgent before the edit", msg)
	}
	file := filepath.Join(pdir, "smalltalk.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	old := "    en: [right now,"
	if !strings.Contains(string(data), old) {
		t.Fatalf("smalltalk.yaml has no %q", old)
	}
	edited := strings.Replace(string(data), old, "    en: [chop chop, right now,", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if problems := h.Reload(); len(problems) > 0 {
		t.Fatalf("problems after a good edit: %v", problems)
	}
	if !h.Current().Persona.Cue("urgent", msg) {
		t.Errorf("%q is not urgent after the edit was reloaded", msg)
	}

	bad := strings.Replace(edited, "    en: [chop chop, right now,", "    en: [chop chop, chop chop, right now,", 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	line := strings.Count(bad[:strings.Index(bad, "[chop chop, chop chop")], "\n") + 1
	want := file + ":" + strconv.Itoa(line) + `: warning: cues.urgent.en: "chop chop" is already listed (line ` + strconv.Itoa(line) + ")"
	var got []string
	for _, p := range h.Reload() {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != want {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
