package knowledge

import (
	"strings"
	"testing"
)

// Walk item 6: title: names an entry; without it the first question does,
// and a question added above it renames the entry.
func TestTitleNamesTheEntry(t *testing.T) {
	b, problems := Load(mapFS(map[string]string{
		"kb/en/refunds.md":   "---\ntitle: \"When will I get my refund?\"\nquestions:\n  - \"How much is shipping?\"\n  - \"When will I get my refund?\"\n---\nWithin 3 business days.\n",
		"kb/zh/refunds.md":   "---\ntitle: 退款多久到账\nquestions:\n  - \"退款呢\"\n---\n3个工作日内。\n",
		"kb/en/untitled.md":  "---\nquestions:\n  - \"Can I pay with PayPal?\"\n---\nYes.\n",
		"kb/en/bad-title.md": "---\ntitle: [a, b]\nquestions:\n  - \"Do you price match?\"\n---\nNo.\n",
	}), "kb")
	for _, c := range []struct{ id, lang, want string }{
		{"refunds", "en", "When will I get my refund?"},
		{"refunds", "zh", "退款多久到账"},
		{"untitled", "en", "Can I pay with PayPal?"},
		{"bad-title", "en", "Do you price match?"},
	} {
		e, ok := b.Entry(c.id, c.lang)
		if !ok || e.Title() != c.want {
			t.Errorf("%s/%s: Title() = %q, want %q", c.lang, c.id, e.Title(), c.want)
		}
	}
	want := []string{"kb/en/bad-title.md:2: title: must be a short line of text (the entry's name on buttons)"}
	if got := problemStrings(problems); !sameSet(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Walk items 6 and 8: check advises a title where there is none, and names
// an entry some of the base's languages lack (the owner's Korean-only
// careers entry: English and Chinese customers asking get a miss).
func TestAdvice(t *testing.T) {
	b, problems := Load(mapFS(map[string]string{
		"kb/en/shipping.md":        "---\ntitle: Shipping times\nquestions:\n  - \"How long does shipping take?\"\n---\n2-4 days.\n",
		"kb/zh/shipping.md":        "---\ntitle: 配送时间\nquestions:\n  - \"多久能到\"\n---\n2-4天。\n",
		"kb/ko/shipping.md":        "---\ntitle: 배송 기간\nquestions:\n  - \"배송 얼마나 걸려요?\"\n---\n2-4일.\n",
		"kb/ko/support/careers.md": "---\ntitle: 채용\nquestions:\n  - \"채용 중인가요?\"\n---\n지금은 채용 계획이 없어요.\n",
		"kb/en/refunds.md":         "---\ntitle: Refunds\nquestions:\n  - \"When will I get my refund?\"\n---\n3 days.\n",
		"kb/zh/refunds.md":         "---\nquestions:\n  - \"退款多久到账\"\n  - \"退款呢\"\n---\n3天。\n",
	}), "kb")
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	var got []string
	for _, a := range b.Advice() {
		got = append(got, a.Kind+" "+a.String())
	}
	want := []string{
		"lang kb/en/refunds.md:1: only in en and zh; ko customers asking this in their language get no answer (their words are matched against the en and zh questions): write it in ko too",
		"lang kb/ko/support/careers.md:1: only in ko; en and zh customers asking this in their language get no answer (their words are matched against the ko questions): write it in en and zh too",
		`title kb/zh/refunds.md:3: no title:; its first question "退款多久到账" names it on buttons and in hedges, so a question added above it renames it: add title: "退款多久到账"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("advice:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// One language: nothing is missing.
	b, _ = Load(mapFS(map[string]string{"kb/en/a.md": "---\ntitle: A\nquestions: [\"a?\"]\n---\nA.\n"}), "kb")
	if a := b.Advice(); len(a) != 0 {
		t.Errorf("advice on a one-language base: %v", a)
	}
}
