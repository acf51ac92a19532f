package routing_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/routing"
)

func TestShippedRulesRoute(t *testing.T) {
	tbl, problems := routing.Load(os.DirFS("../../prompts"), routing.File)
	if len(problems) > 0 || tbl == nil {
		t.Fatalf("shipped routing.yaml: %v", problems)
	}
	for _, c := range []struct {
		lang, reason string
		tags         []string
		want         string
	}{
		{"en", "explicit", nil, "support"},
		{"zh", "complaint", []string{"payment"}, "chinese"}, // language first
		{"ko", "explicit", nil, "korean"},
		{"en", "complaint", []string{"orders", "payment"}, "payments"},
		{"en", "confusion", []string{"returns"}, "returns"},
	} {
		if got := tbl.Route(c.lang, c.reason, c.tags); got != c.want {
			t.Errorf("Route(%s, %s, %v) = %q, want %q", c.lang, c.reason, c.tags, got, c.want)
		}
	}
	if !tbl.Known("payments") || tbl.Known("nobody") || tbl.Label("payments", "zh") != "支付团队" || tbl.Label("returns", "xx") != "returns team" {
		t.Errorf("teams: known/label wrong")
	}
	var none *routing.Table
	if none.Route("en", "explicit", nil) != "" || none.Known("support") || none.Channel("x") != "" {
		t.Errorf("a nil table must route to the default team and know no teams")
	}
}

func TestMissingFileIsNoProblem(t *testing.T) {
	tbl, problems := routing.Load(fstest.MapFS{}, routing.File)
	if tbl != nil || len(problems) != 0 {
		t.Errorf("missing file: %v %v", tbl, problems)
	}
}

func TestProblemsHaveFileAndLine(t *testing.T) {
	src := `default: nobody
teams:
  payments:
    name: {en: payments team}
    channel: "#payments"
  Bad Team:
    name: {en: x}
rules:
  - team: refunds
    langs: [en]
  - team: payments
    reasons: [angry]
  - team: payments
  - team: payments
    tags: [payment]
    color: blue
extra: 1
`
	_, problems := routing.Load(fstest.MapFS{"routing.yaml": {Data: []byte(src)}}, "routing.yaml")
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`routing.yaml:1: default team "nobody" is not in teams:`,
		`routing.yaml:5: team payments: channel "#payments" is not a channel id`,
		`routing.yaml:6: team id "Bad Team"`,
		`routing.yaml:9: team "refunds" is not in teams:`,
		`routing.yaml:12: unknown reason "angry"`,
		`routing.yaml:13: a rule without langs:, reasons: or tags:`,
		`routing.yaml:16: unknown key "color" in a rule`,
		`routing.yaml:17: unknown key "extra"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q; got:\n%s", want, all)
		}
	}
	_, problems = routing.Load(fstest.MapFS{"routing.yaml": {Data: []byte("teams: [\n")}}, "routing.yaml")
	if len(problems) != 1 || !strings.Contains(problems[0].Msg, "not valid YAML") {
		t.Errorf("broken YAML: %v", problems)
	}
}
