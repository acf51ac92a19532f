package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/llm/llmtest"
)

// koreanOnlyKB is a shop's base written in Korean only: 12 entries of
// four questions in the same four sentence shapes, as a shop writes
// them. Among the entries are
// those handoff.yaml offers after a refused demand.
func koreanOnlyKB(t *testing.T) string {
	t.Helper()
	return writeMatchKB(t, koreanOnlyFiles())
}

// koreanOnlyFiles are koreanOnlyKB's files.
func koreanOnlyFiles() map[string]string {
	names := []string{"payment/price-match", "returns/policy", "returns/start", "returns/refunds", "shipping/costs",
		"t/points", "t/coupon", "t/signup", "t/password", "t/receipt", "t/restock", "t/size"}
	topics := []string{"최저가 보상", "반품 규정", "반품 신청", "환불", "배송비", "포인트", "쿠폰", "회원가입", "비밀번호", "영수증", "재입고", "사이즈"}
	// Each entry's last question names it in other words, so that
	// question held out has no word of its entry left: the lexical
	// matcher answers about three in four.
	others := []string{"가격 맞춤", "돌려보내기 조건", "물건 돌려보내기", "돈 돌려받기", "택배 요금", "적립금", "할인권", "가입 절차", "암호", "구매 증빙", "품절 상품", "치수"}
	shapes := []string{"%s 어떻게 해요?", "%s 문의드려요", "%s 알려 주세요", "%s 관련해서 궁금해요"}
	files := map[string]string{}
	for i, name := range names {
		var qs []string
		for j, s := range shapes {
			topic := topics[i]
			if j == len(shapes)-1 {
				topic = others[i]
			}
			qs = append(qs, strconv.Quote(strings.Replace(s, "%s", topic, 1)))
		}
		files["ko/"+name+".md"] = "---\nquestions: [" + strings.Join(qs, ", ") + "]\n---\n" + topics[i] + " 안내입니다.\n"
	}
	return files
}

// TestCheckStrictOnABaseInABlindLanguage: with embeddings from a model
// that gives every Korean text one vector (an English-only model such as
// use-lite-en), a Korean-only base leaves the fused calibration no sample
// (the language is blind: its messages are matched lexically), so it is
// thin; `baton check --strict` judges the lexical quality those customers
// get and says so, instead of failing on the empty fused one. A level the
// lexical quality does not reach still fails.
func TestCheckStrictOnABaseInABlindLanguage(t *testing.T) {
	k := koreanOnlyKB(t)
	vars := koreanBlindEnv(t)

	// The lexical quality alone, and a level it reaches.
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"check", "--knowledge", k}, env(nil), nil, &out, &errOut)
	lexical := answeredShare(t, out.String())
	if lexical < 0.2 || lexical > 0.9 {
		t.Fatalf("lexical answered %.2f: too low for the test to tell\n%s%s", lexical, out.String(), errOut.String())
	}
	level := strconv.FormatFloat(lexical-0.1, 'f', 2, 64)

	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"check", "--knowledge", k, "--strict", "--min-answered", level}, vars, nil, &out, &errOut); code != 0 {
		t.Fatalf("--strict --min-answered %s with embeddings: exit %d, want 0\n%s%s", level, code, out.String(), errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"with semantic matching",
		"does not tell apart questions in ko",
		"fused quality not measured: no example question is left for it once those in ko, which the model does not tell apart, are left out; messages in ko are matched lexically, with the quality above (judged by --strict)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check output lacks %q:\n%s", want, got)
		}
	}
	if _, fused, _ := strings.Cut(got, "with semantic matching"); strings.Contains(fused, "only 0 example questions: too few") {
		t.Errorf("check reported the empty fused calibration as a thin base:\n%s", got)
	}
	if a := answeredShare(t, got); a != lexical {
		t.Errorf("answered %.2f with embeddings, %.2f without: the lexical quality is the one reported", a, lexical)
	}

	// The lexical quality is judged, not skipped.
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"check", "--knowledge", k, "--strict", "--min-answered", "0.99"}, vars, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "knowledge quality below --min-answered 0.99") {
		t.Errorf("--strict --min-answered 0.99 with embeddings: exit %d, want 1 for quality\n%s%s", code, out.String(), errOut.String())
	}
}

// koreanBlindEnv configures embeddings from an in-repo fake model that
// gives every Korean text one vector (an English-only model such as
// use-lite-en) and English texts a bag of words.
func koreanBlindEnv(t *testing.T) func(string) string {
	t.Helper()
	hash := llmtest.HashEmbedder(64)
	oneKorean := make([]float32, 64)
	oneKorean[0] = 1
	emb := llmtest.New(t, llmtest.WithEmbedder(func(text string) []float32 {
		if lang.FromScript(text) == "ko" {
			return oneKorean
		}
		return hash(text)
	}))
	return env(map[string]string{"OPENAI_BASE_URL": emb.URL(), "OPENAI_EMBEDDING_MODEL": "fake-embed"})
}

// TestCheckStrictOnAMixedBaseWithABlindLanguage: the lexical fallback
// above is for a fused calibration left with no question at all. A base
// with a few English entries beside the Korean ones leaves the fused
// calibration those English questions, too few to measure: English
// customers get that unmeasured fused decision, so --strict fails on it
// as on any thin base, though the lexical quality reaches the level.
func TestCheckStrictOnAMixedBaseWithABlindLanguage(t *testing.T) {
	files := koreanOnlyFiles()
	for name, qs := range map[string]string{
		"shipping/times":  `["How long is delivery?", "How many days until arrival?", "When will my parcel get here?"]`,
		"orders/cancel":   `["How do I cancel my order?", "Can I cancel an order?", "I want to cancel my purchase"]`,
		"payment/methods": `["Which cards do you take?", "Can I pay by card?", "What payment methods are there?"]`,
		"account/delete":  `["How do I delete my account?", "Can you remove my account?", "Close my account please"]`,
	} {
		files["en/"+name+".md"] = "---\nquestions: " + qs + "\n---\nSee our help page.\n"
	}
	k := writeMatchKB(t, files)
	vars := koreanBlindEnv(t)

	var out, errOut bytes.Buffer
	run(context.Background(), []string{"check", "--knowledge", k}, env(nil), nil, &out, &errOut)
	lexical := answeredShare(t, out.String())
	if lexical < 0.2 || strings.Contains(out.String(), "too few") {
		t.Fatalf("lexical answered %.2f: too low, or the base too thin, for the test to tell\n%s%s", lexical, out.String(), errOut.String())
	}
	level := strconv.FormatFloat(lexical-0.1, 'f', 2, 64)
	if code := run(context.Background(), []string{"check", "--knowledge", k, "--strict", "--min-answered", level}, env(nil), nil, &out, &errOut); code != 0 {
		t.Fatalf("--strict --min-answered %s without embeddings: exit %d, want 0\n%s%s", level, code, out.String(), errOut.String())
	}

	out.Reset()
	errOut.Reset()
	code := run(context.Background(), []string{"check", "--knowledge", k, "--strict", "--min-answered", level}, vars, nil, &out, &errOut)
	got := out.String()
	_, fused, _ := strings.Cut(got, "with semantic matching")
	if code != 1 || !strings.Contains(errOut.String(), "knowledge quality below --min-answered") {
		t.Errorf("--strict --min-answered %s with embeddings: exit %d, want 1 for the thin fused calibration\n%s%s", level, code, got, errOut.String())
	}
	if !strings.Contains(got, "does not tell apart questions in ko") || strings.Contains(got, "fused quality not measured") ||
		!strings.Contains(fused, "only 12 example questions: too few") {
		t.Errorf("check should report the fused calibration's 12 English questions as too few, not fall back:\n%s", got)
	}
}
