package main

import (
	"strings"
	"testing"
)

func TestReportFlags(t *testing.T) {
	for in, want := range map[string]int{"7d": 7, "30": 30, "24h": 1, "25h": 2, "1d": 1} {
		if got, err := parseDays(in); err != nil || got != want {
			t.Errorf("parseDays(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-3d", "week"} {
		if _, err := parseDays(bad); err == nil {
			t.Errorf("parseDays(%q) accepted", bad)
		}
	}
	var out, errs strings.Builder
	env := func(string) string { return "" }
	if code := run(t.Context(), []string{"report", "--format", "xml"}, env, nil, &out, &errs); code != 2 || !strings.Contains(errs.String(), "want text, csv or json") {
		t.Errorf("--format xml: exit %d, %q", code, errs.String())
	}
	errs.Reset()
	if code := run(t.Context(), []string{"report", "--since", "soon"}, env, nil, &out, &errs); code != 2 || !strings.Contains(errs.String(), "want a number of days") {
		t.Errorf("--since soon: exit %d, %q", code, errs.String())
	}
}
