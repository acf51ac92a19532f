package main

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/gaps"
	"github.com/batonhq/baton/bot/stats"
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

// TestReportShowsHedgedApartFromMisses: the likely tier's figure (answered
// with the probable entry and a hedge) is in the text, CSV and JSON
// reports beside the misses, and a gap cluster says how many of its
// messages were hedged.
func TestReportShowsHedgedApartFromMisses(t *testing.T) {
	rep := stats.Report{All: stats.Figures{Misses: 3, Likely: 2}}
	var text, csvOut, jsonOut strings.Builder
	if err := writeReportText(&text, rep, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Not understood      3 messages") || !strings.Contains(text.String(), "Hedged              2 messages") {
		t.Errorf("text report:\n%s", text.String())
	}
	if err := writeReportCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	if !strings.Contains(lines[0], ",misses,likely,") || !strings.HasSuffix(lines[1], ",3,2,0,0") {
		t.Errorf("CSV report:\n%s", csvOut.String())
	}
	if err := writeReportJSON(&jsonOut, rep, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(jsonOut.String(), `"misses": 3`) || !strings.Contains(jsonOut.String(), `"likely": 2`) {
		t.Errorf("JSON report:\n%s", jsonOut.String())
	}
	var gapsOut strings.Builder
	printGaps(&gapsOut, 3, []gaps.Cluster{{Label: "coupon rejected", Count: 3, Examples: []string{"coupon rejected"}, Langs: map[string]int{"en": 3}, Unsure: 3, Likely: 2, Closest: "payment/discount-codes"}}, nil)
	if !strings.Contains(gapsOut.String(), "hedged 2  closest entry: payment/discount-codes") {
		t.Errorf("gaps:\n%s", gapsOut.String())
	}
}
