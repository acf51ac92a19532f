package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Walk 2026-12-06, item 16: with a language's file broken, `baton check`
// gave quality advice measured without it: a broken zh lexicon lowered
// every number, a broken zh entry was advised as "only in en and ko ...
// write it in zh too". Now each problem is file:line: what is wrong, and
// quality and advice are not measured until they are fixed; the clean
// folders still get them.
func TestCheckWithABrokenLanguageFileGivesNoQualityAdvice(t *testing.T) {
	dir := t.TempDir()
	prompts, know := filepath.Join(dir, "prompts"), filepath.Join(dir, "knowledge")
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(know, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	// replace swaps the line of file starting with from for to and
	// returns its number.
	replace := func(file, from, to string) int {
		t.Helper()
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, from) {
				lines[i] = to
				if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
					t.Fatal(err)
				}
				return i + 1
			}
		}
		t.Fatalf("%s has no line starting %q", file, from)
		return 0
	}
	messages := filepath.Join(prompts, "messages", "zh.yaml")
	lexicon := filepath.Join(prompts, "lexicon", "zh.yaml")
	entry := filepath.Join(know, "zh", "orders", "cancel.md")

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", know}, env(nil), nil, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "held-out phrasings answered") {
		t.Fatalf("the clean copy: exit %d, no quality:\n%s%s", code, out.String(), errOut.String())
	}

	msgLine := replace(messages, "greet_name:", `greet_name: "{{.Customer您好"`)
	lexLine := replace(lexicon, "  - [退款", "  - [退款, 退钱")
	entryLine := replace(entry, `  - "刚下的单想取消"`, `  - "刚下的单想取消`)
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", know}, env(nil), nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out.String())
	}
	got := out.String()
	for _, want := range []string{
		messages + ":" + itoa(msgLine) + ": unclosed {{ in greet_name",
		lexicon + ":" + itoa(lexLine) + ": not valid YAML",
		entry + ":" + itoa(entryLine) + `: the " opened on this line is not closed`,
		"knowledge quality and advice: not measured: the problems above leave part of ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check output lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"held-out phrasings answered", "advice (the entries are served", "write it in zh too"} {
		if strings.Contains(got, not) {
			t.Errorf("check output has %q, measured without the broken files:\n%s", not, got)
		}
	}
	if !strings.Contains(errOut.String(), "baton check: 3 problem(s)") {
		t.Errorf("stderr %q", errOut.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
