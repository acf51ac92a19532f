package handoff

import (
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/session"
)

func TestZZProbe(t *testing.T) {
	f := os.Getenv("PROBE")
	if f == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile(f)
	r := loadShipped(t)
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		aft := strings.HasPrefix(l, ">")
		l = strings.TrimPrefix(l, ">")
		in := Input{Text: l, Lang: "en"}
		if s := scriptOf(l); s != "" {
			in.Lang = s
		}
		if aft {
			in.History = after
		}
		d := r.Detect(in)
		v, _ := r.learned.judge(l)
		cs, _ := r.Complaint(l)
		t.Logf("%-5v %-9s rule=%.2f learned ex=%.2f co=%.2f cf=%.2f | %s | %s", d.Handoff, d.Reason, cs, v.p[clExplicit], v.p[clComplaint], v.p[clConfusion], l, strings.Join(d.Evidence, "; "))
	}
}
