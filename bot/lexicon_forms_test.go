package bot_test

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestLexiconReadsEverydayForms pins the everyday forms of one word the
// stemmer keeps apart, and the spellings of either side of the Atlantic,
// that prompts/lexicon/en.yaml reads as one (shop9, 2026-12-08): a
// day-one base says "allergen", "coeliac", "photo", "freeze", "wedding",
// "squashed"; its customers "allergy", "celiac", "picture", "freezer",
// "getting married", "smushed". The messages are new, none of the dev
// shop's queries; only the entry ranked first is pinned (the tier is the
// calibration's). On the lexicon before, each of them ranked another
// entry first.
func TestLexiconReadsEverydayForms(t *testing.T) {
	checkSenses(t, "bakery", shopContents(t, "bakery", 0), []senseCase{
		{msg: "my daughter has a sesame allergy, which things are safe", id: "allergens/info", least: knowledge.Unsure},
		{msg: "are you allergy friendly", id: "allergens/info", least: knowledge.Unsure},
		{msg: "any treats for celiacs", id: "allergens/gluten-free", least: knowledge.Unsure},
		{msg: "do you do picture cakes", id: "cakes/photo", least: knowledge.Unsure},
		{msg: "can the loaf go in the freezer", id: "bread/storage", least: knowledge.Unsure},
		{msg: "we are getting married in june, do you make cakes for that", id: "cakes/wedding", least: knowledge.Unsure},
		{msg: "my order came smushed", id: "refunds/problems", least: knowledge.Unsure},
	})
}
