package text

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const testLexicon = `
same:
  - [package, parcel, packet]
  - [refund, money back, reimbursement]
  - [cancel, call off]
  - [login, log in, sign in]
  - [退款, 退钱]
  - [배송, 택배]
related:
  - [return, refund, send back]
  - [退, 退货, 退款]
  - [반품, 환불, 돌려보내다]
`

func show(toks []Token) string {
	var parts []string
	for _, t := range toks {
		switch {
		case t.CJK:
			parts = append(parts, "["+t.Text+"]")
		default:
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, " ")
}

func TestLexiconApply(t *testing.T) {
	l, problems := ParseLexicon("lexicon/en.yaml", []byte(testLexicon))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	cases := []struct{ in, want string }{
		{"where is my parcel", "where is my packag"},
		{"I want my money back", "i want my refund ~return"},
		{"need to call off the order", "need to cancel the order"},
		{"can't log in", "can not login"},
		{"can I send back the shoes", "can i send back ~return the shoe"},
		{"return or refund", "return ~return or refund ~return"},
		{"我想退钱", "[我想退款] ~退"},
		{"退货还是退款", "[退货还是退款] ~退"},
		{"택배 어디쯤", "[배송어디쯤]"},
		{"돌려보내고 싶어요", "[돌려보내고싶어요] ~반품"},
		{"nothing here", "noth here"},
		{"", ""},
	}
	for _, c := range cases {
		if got := show(l.Apply(Tokenize(c.in))); got != c.want {
			t.Errorf("Apply(Tokenize(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
	// Apply leaves its input alone, and a nil lexicon changes nothing.
	in := Tokenize("money back")
	before := append([]Token(nil), in...)
	l.Apply(in)
	if !reflect.DeepEqual(in, before) {
		t.Errorf("Apply modified its input: %v, want %v", in, before)
	}
	var none *Lexicon
	if got := none.Apply(in); !reflect.DeepEqual(got, in) {
		t.Errorf("nil lexicon: %v", got)
	}
}

func TestLexiconProblems(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // "line: substring"
	}{
		{"yaml", "same:\n\t- [a, b]\n", []string{"2: not valid YAML"}},
		{"top", "- [a, b]\n", []string{"1: expected same: and related:"}},
		{"unknown key", "same:\n  - [parcel, package]\nsynonyms:\n  - [a, b]\n", []string{"3: unknown key \"synonyms\""}},
		{"not a list", "same: parcel\n", []string{"1: same: expected a list of groups"}},
		{"one member", "same:\n  - [parcel]\n", []string{"2: same: a group needs at least two"}},
		{"duplicate after stemming", "same:\n  - [parcel, parcels]\n", []string{"2: same: \"parcels\" reads the same as \"parcel\""}},
		{"empty member", "same:\n  - [parcel, \"\", package]\n", []string{"2: same: \"\" is empty"}},
		{"no words", "related:\n  - [\"?!\", return, refund]\n", []string{"2: related: \"?!\" has no words"}},
		{"nested", "same:\n  - [parcel, [package]]\n", []string{"2: same: expected a word or phrase"}},
		{"map group", "same:\n  - parcel: package\n", []string{"2: same: expected a group"}},
		{"too long", "same:\n  - [refund, please give me my money back]\n", []string{"2: same: \"please give me my money back\" is longer than 4 words"}},
		{"mixed script", "same:\n  - [refund, 退款 refund]\n", []string{"2: same: \"退款 refund\" mixes Chinese or Korean"}},
		{"two same groups", "same:\n  - [package, parcel]\n  - [box,\n     parcel]\n", []string{"4: same: \"parcel\" is already in the same group same at f.yaml:2"}},
		{"related after same", "same:\n  - [package, parcel]\nrelated:\n  - [parcel, delivery]\n", []string{"4: related: \"parcel\" is rewritten by the same group"}},
		{"not utf-8", "same:\n  - [\xff, a]\n", []string{"1: not UTF-8"}},
		// An earlier group's first word listed in a later group is the
		// mistake, said at its own line (it was said at a third, correct
		// line that used the word, which the bad group had claimed).
		{"first word in a later group", "same:\n  - [退款, 退钱]\n  - [快递, 包裹, 退款]\n  - [refund, 退款]\n",
			[]string{"3: same: \"退款\" is the first word of the same group same at f.yaml:2"}},
		{"english first word in a later group", "same:\n  - [refund, money back]\n  - [package, parcel, refund]\n",
			[]string{"3: same: \"refund\" is the first word of the same group same at f.yaml:2"}},
		{"full-width brackets", "same:\n  - [package, parcel]\n  - 【退款, 退钱】\n", []string{"3: same: \"【退款, 退钱】\" uses full-width brackets"}},
		{"full-width colon", "same：\n  - [package, parcel]\n", []string{"1: \"same：\" uses a full-width colon (：); write \"same:\""}},
		{"full-width colon second key", "same:\n  - [package, parcel]\nrelated：\n  - [return, refund]\n", []string{"3: \"related：\" uses a full-width colon"}},
		{"common latin word", "common:\n  - [어떻게, please]\n", []string{"2: common: \"please\" is not one run of Chinese or Korean text"}},
		{"common phrase with a space", "common:\n  - 할 수\n", []string{"2: common: \"할 수\" is not one run"}},
		{"common twice", "common:\n  - [어떻게, 언제]\n  - [있어요,\n     언제]\n", []string{"4: common: \"언제\" is already listed at f.yaml:2"}},
		{"common nested", "common:\n  - [어떻게, [언제]]\n", []string{"2: common: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ps := ParseLexicon("f.yaml", []byte(c.src))
			var got []string
			for _, p := range ps {
				if p.File != "f.yaml" {
					t.Errorf("problem names file %q", p.File)
				}
				got = append(got, p.String())
			}
			if len(got) != len(c.want) {
				t.Fatalf("problems = %q, want %d: %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				line, sub, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(got[i], "f.yaml:"+line+": ") || !strings.Contains(got[i], sub) {
					t.Errorf("problem %d = %q, want line %s containing %q", i, got[i], line, sub)
				}
			}
		})
	}
	// Good groups in a file with a bad one still load.
	l, ps := ParseLexicon("f.yaml", []byte("same:\n  - [parcel]\n  - [package, parcel]\n"))
	if len(ps) != 1 || show(l.Apply(Tokenize("parcel"))) != "packag" {
		t.Errorf("good group not loaded next to a bad one: %v", ps)
	}
}

func TestLoadLexicon(t *testing.T) {
	fsys := fstest.MapFS{
		"prompts/lexicon/en.yaml":   {Data: []byte("same:\n  - [package, parcel]\n")},
		"prompts/lexicon/ko.yaml":   {Data: []byte("same:\n  - [배송, 택배]\n")},
		"prompts/lexicon/README.md": {Data: []byte("not yaml, ignored")},
		"prompts/lexicon/.swp.yaml": {Data: []byte("::")},
		"prompts/lexicon/zh.yaml":   {Data: []byte("same: [oops\n")},
	}
	l, ps := LoadLexicon(fsys, "prompts/lexicon")
	if l.Groups() != 2 {
		t.Errorf("groups = %d, want 2", l.Groups())
	}
	if len(ps) != 1 || ps[0].File != "prompts/lexicon/zh.yaml" {
		t.Errorf("problems = %v, want one in zh.yaml", ps)
	}
	l, ps = LoadLexicon(fsys, "prompts/nothing")
	if l.Groups() != 0 || len(ps) != 0 {
		t.Errorf("missing folder: %d groups, %v", l.Groups(), ps)
	}
}

// A word in two related groups stands for both concepts: the matcher adds
// every concept token after the word (bot/knowledge weighs each as a
// term), so nothing forces a choice. The loader kept only the last
// group's concept ("return" lost ~return to ~exchange), so which entry a
// word pointed to depended on the order of the groups in the file. A word
// a same group reads as such a member gets every concept too, and so
// does a Chinese or Korean member (which already did).
func TestLexiconWordInSeveralRelatedGroups(t *testing.T) {
	src := `
same:
  - [refund, money back]
  - [exchange, swap]
related:
  - [return, refund, send back]
  - [exchange, return, replace]
  - [damaged, replace]
  - [退, 退货]
  - [换, 退货]
`
	l, problems := ParseLexicon("f.yaml", []byte(src))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	cases := []struct{ in, want string }{
		{"return", "return ~return ~exchang"},
		{"replace it", "replac ~exchang ~damag it"},
		{"refund", "refund ~return"},
		{"swap", "exchang ~exchang"},
		{"send back", "send back ~return"},
		{"退货", "[退货] ~退 ~换"},
	}
	for _, c := range cases {
		if got := show(l.Apply(Tokenize(c.in))); got != c.want {
			t.Errorf("Apply(Tokenize(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
	// Explain names each group's line.
	_, uses := l.Explain(Tokenize("return"))
	want := []Use{{From: "return", To: "~return", File: "f.yaml", Line: 6}, {From: "return", To: "~exchang", File: "f.yaml", Line: 7}}
	if !reflect.DeepEqual(uses, want) {
		t.Errorf("Explain(return) = %+v, want %+v", uses, want)
	}
	// Listing a word twice in one related group's head's concept adds it once.
	l, _ = ParseLexicon("f.yaml", []byte("related:\n  - [return, refund]\n  - [return, send back]\n"))
	if got := show(l.Apply(Tokenize("return"))); got != "return ~return" {
		t.Errorf("two groups of one head: %q, want one concept", got)
	}
}

// A same group whose first member is English links Chinese and Korean
// members to it: the run keeps its text (Chinese entries still match it)
// and also reads as the English word, as the English side reads it (a
// word another group rewrites, with its concepts), whatever file lists
// which. Two members linking to one word add it once.
func TestLexiconLinksLanguages(t *testing.T) {
	src := `
same:
  - [pay, payment]
  - [退款, 退钱]
  - [payment, 支付, 付款, 결제]
  - [refund, 退款, 환불하다]
  - [test ride, 试骑]
related:
  - [pay, card]
  - [支付, 支付宝]
`
	l, problems := ParseLexicon("f.yaml", []byte(src))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	cases := []struct{ in, want string }{
		{"我想退钱", "[我想退款] refund"},
		{"환불 돼요?", "[환불돼요] refund"},
		{"可以试骑吗", "[可以试骑吗] test ride"},
		{"支付宝付款", "[支付宝付款] ~支付 pai ~pai"},
		{"카드 결제", "[카드결제] pai ~pai"},
		{"payment by card", "pai ~pai by card ~pai"},
		{"refund", "refund"},
	}
	for _, c := range cases {
		if got := show(l.Apply(Tokenize(c.in))); got != c.want {
			t.Errorf("Apply(Tokenize(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
	// The English words are marked Linked (the matcher reads them only
	// for entries in another language); the run is not.
	for _, tk := range l.Apply(Tokenize("我想退钱")) {
		if tk.Linked != (tk.Text == "refund") {
			t.Errorf("我想退钱: %+v Linked %v", tk, tk.Linked)
		}
	}
	_, uses := l.Explain(Tokenize("试骑"))
	if want := []Use{{From: "试骑", To: "test ride", File: "f.yaml", Line: 7}}; !reflect.DeepEqual(uses, want) {
		t.Errorf("Explain(试骑) = %+v, want %+v", uses, want)
	}
	// A member another group rewrites would never be seen: a problem,
	// in either order.
	for _, src := range []string{
		"same:\n  - [退款, 退钱]\n  - [refund, 退钱]\n",
		"same:\n  - [refund, 退钱]\n  - [退款, 退钱]\n",
	} {
		if _, ps := ParseLexicon("f.yaml", []byte(src)); len(ps) != 1 || ps[0].Line != 3 {
			t.Errorf("%q: problems %v, want one at line 3", src, ps)
		}
	}
}

// Variant spellings (Traditional characters, casual Korean endings) read
// as their standard form before the same and related groups, so 退貨
// reads as 退货 does, ~退 concept included (walk item 19).
// TestLexiconCommonSpans: a common: list marks the words customers of
// every shop use whatever they ask about, wherever they stand in a run
// (Korean is often typed without spaces), the longest at each place, as
// the run reads once Apply has rewritten it: a common word written in a
// variant spelling (돼여) or as a same group's other member is found in
// the run as it reads.
func TestLexiconCommonSpans(t *testing.T) {
	l, problems := ParseLexicon("lexicon/ko.yaml", []byte(`
same:
  - [배송, 택배]
variants:
  - [돼요, 돼여]
common:
  - [어떻게, 있어요, 있, 돼여]
  - 오늘
`))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	spans := func(in string) []string {
		var out []string
		for _, tok := range l.Apply(Tokenize(in)) {
			if !tok.CJK {
				continue
			}
			for _, sp := range l.AppendCommonSpans(nil, tok.Text) {
				out = append(out, tok.Text[sp[0]:sp[1]])
			}
		}
		return out
	}
	cases := []struct {
		in   string
		want []string
	}{
		{"오늘 택배 어떻게 돼여?", []string{"오늘", "어떻게", "돼요"}},
		{"재고있어요", []string{"있어요"}}, // the longest, not 있
		{"있나요", []string{"있"}},
		{"환불", nil},
		{"refund please", nil},
	}
	for _, c := range cases {
		if got := spans(c.in); !slices.Equal(got, c.want) {
			t.Errorf("common words in %q = %q, want %q", c.in, got, c.want)
		}
	}
	var none *Lexicon
	if got := none.AppendCommonSpans(nil, "어떻게"); got != nil {
		t.Errorf("a nil lexicon's common spans = %v, want none", got)
	}
}

func TestLexiconVariants(t *testing.T) {
	l, problems := ParseLexicon("lexicon/zh.yaml", []byte(testLexicon+`
variants:
  - [货, 貨]
  - [钱, 錢]
  - [와요, 와여, 와용]
`))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	cases := []struct{ in, want string }{
		{"怎麼退貨", "[怎麼退货] ~退"},
		{"我想退錢", "[我想退款] ~退"},
		{"배송 언제 와여", "[배송언제와요]"},
		{"택배 언제 와용", "[배송언제와요]"},
	}
	for _, c := range cases {
		if got := show(l.Apply(Tokenize(c.in))); got != c.want {
			t.Errorf("Apply(Tokenize(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
	_, uses := l.Explain(Tokenize("退貨"))
	if len(uses) == 0 || uses[0].From != "貨" || uses[0].To != "货" || uses[0].Line != 15 {
		t.Errorf("Explain(退貨) uses = %+v, want 貨 -> 货 at line 15 first", uses)
	}
	_, problems = ParseLexicon("lexicon/zh.yaml", []byte("variants:\n  - [货]\n  - [货, refund]\n  - [货, 货]\n"))
	if len(problems) != 3 {
		t.Errorf("problems = %v, want 3 (a lone standard form, a Latin variant, a variant that is its standard)", problems)
	}
}

// A Chinese or Korean same group's first word is read as itself, never
// with a shorter member of its own or another group rewritten inside it:
// [颜色, 色] read 颜色 as 颜颜色, [이메일, 메일] 이메일 as 이이메일, and
// [物流单号, 单号] the order number 订单号 as 订物流单号 (订单 heads its
// own group). A member standing alone is still rewritten.
func TestLexiconCJKSameKeepsItsHead(t *testing.T) {
	l, problems := ParseLexicon("lexicon/zh.yaml", []byte(`
same:
  - [颜色, 色]
  - [物流单号, 快递单号, 单号]
  - [订单, 定单]
  - [이메일, 메일, 이멜]
`))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	cases := []struct{ in, want string }{
		{"颜色不喜欢", "[颜色不喜欢]"},
		{"这个色不好看", "[这个颜色不好看]"},
		{"订单号是多少", "[订单号是多少]"},
		{"定单号是多少", "[订单号是多少]"},
		{"单号查不到", "[物流单号查不到]"},
		{"快递单号查不到", "[物流单号查不到]"},
		{"이메일 바꾸고 싶어요", "[이메일바꾸고싶어요]"},
		{"메일 주소", "[이메일주소]"},
	}
	for _, c := range cases {
		got, uses := l.Explain(Tokenize(c.in))
		if show(got) != c.want {
			t.Errorf("Apply(Tokenize(%q)) = %q, want %q", c.in, show(got), c.want)
		}
		if c.in == c.want[1:len(c.want)-1] && len(uses) > 0 {
			t.Errorf("Explain(%q) says %v applied, but nothing was rewritten", c.in, uses)
		}
	}
}

// TestShippedLexiconCJKHeadsReadAsThemselves: every Chinese or Korean
// first word of a shipped same group reads as itself.
func TestShippedLexiconCJKHeadsReadAsThemselves(t *testing.T) {
	l, problems := LoadLexicon(os.DirFS("../.."), "prompts/lexicon")
	if len(problems) != 0 {
		t.Fatalf("shipped lexicon: %v", problems)
	}
	heads := map[string]bool{}
	for _, r := range l.cjkSameRules {
		heads[r.concept] = true
	}
	if len(heads) == 0 {
		t.Fatal("no Chinese or Korean same group in the shipped lexicon")
	}
	for h := range heads {
		if got := l.cjkSame.Replace(h); got != h {
			t.Errorf("the same group's first word %q reads as %q", h, got)
		}
	}
}
