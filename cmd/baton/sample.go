package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/persona"
)

// The prompts ship with a sample shop (Kumo Store) whose knowledge base
// ships beside them. Ops who start from the sample prompts with their own
// knowledge base keep, until they edit them, the sample shop's name,
// contact and hours, and a demand.offer naming the sample base's entries.
// `baton check` says so as warnings (the exit status is unchanged: the
// bot runs, giving the base's own contact when it has one and offering
// only the entries the base has).

// sampleWarnings are check's warnings, as file:line: warning: message,
// about sample details in prompts set beside another base; and the offer
// problems (an offered entry missing from the base) that are errors:
// those of a demand.offer ops wrote themselves.
func sampleWarnings(prompts content.Source, show string, set *content.Set) (warnings []string, problems []content.Problem) {
	rulesFile := path.Join(show, "handoff.yaml")
	if set.Rules != nil {
		sample := slices.Equal(set.Rules.Offer(), sampleOffer())
		for i, id := range set.Rules.Offer() {
			if len(set.KB.Langs(id)) > 0 {
				continue
			}
			p := content.Problem{File: rulesFile, Line: set.Rules.OfferLine(i), Msg: fmt.Sprintf("demand.offer: no knowledge entry %q", id)}
			if !sample {
				problems = append(problems, p)
				continue
			}
			p.Msg = fmt.Sprintf("warning: demand.offer: no knowledge entry %q: the offer list is the sample shop's; a refusal offers only the entries this base has (list your own entries here)", id)
			warnings = append(warnings, p.String())
		}
	}
	if w := samplePersona(prompts, show, set); w != "" {
		warnings = append(warnings, w)
	}
	return warnings, problems
}

// sampleOffer is demand.offer of the shipped handoff.yaml.
func sampleOffer() []string {
	data, err := fs.ReadFile(baton.Files, "prompts/handoff.yaml")
	if err != nil {
		return nil
	}
	var doc struct {
		Demand struct {
			Offer []string `yaml:"offer"`
		} `yaml:"demand"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return doc.Demand.Offer
}

// samplePersona warns when persona.yaml's shop or contact is the sample
// shop's while the knowledge base never mentions the sample's contact
// (so it is another shop's base); "" otherwise.
func samplePersona(prompts content.Source, show string, set *content.Set) string {
	if set.Persona == nil {
		return ""
	}
	sample, _ := persona.Load(baton.Files, "prompts")
	if sample == nil {
		return ""
	}
	sEmail, sPhone := sample.Contact()
	if content.Mentions(set.KB.Base, sEmail) || content.Mentions(set.KB.Base, sPhone) {
		return "" // the sample base, or one that names the sample's contact
	}
	// As written: the set's persona may say the base's contact instead.
	own, _ := persona.Load(prompts.FS, prompts.Root)
	if own == nil {
		return ""
	}
	var same []string
	key := "contact"
	if own.Shop() == sample.Shop() {
		same = append(same, fmt.Sprintf("shop %q", sample.Shop()))
		key = "shop"
	}
	if email, phone := own.Contact(); email == sEmail || phone == sPhone {
		same = append(same, "contact "+sEmail)
	}
	if len(same) == 0 {
		return ""
	}
	file := path.Join(show, "persona.yaml")
	line := keyLine(prompts, "persona.yaml", key)
	what := "customers are given the sample shop's contact and hours"
	if e, p := set.Persona.Contact(); e != sEmail {
		var given []string
		for _, v := range []string{e, p} {
			if v != "" {
				given = append(given, v)
			}
		}
		what = "customers are given the knowledge base's contact (" + strings.Join(given, ", ") + ") instead"
		switch len(given) {
		case 0:
			what = "customers are told your contact is on your website (no knowledge entry tagged contact gives an email or phone)"
		case 1:
			what = "customers are given " + given[0] + " from the knowledge base's contact entry, and told the rest is on your website"
		}
	}
	return fmt.Sprintf("%s:%d: warning: %s: the sample shop's, beside a knowledge base of another shop (it never mentions %s): %s; set your shop's name, intro, contact and hours here", file, line, strings.Join(same, " and "), sEmail, what)
}

// keyLine is the line of prompts' file where top-level key is written
// (1 when not found).
func keyLine(prompts content.Source, file, key string) int {
	data, err := fs.ReadFile(prompts.FS, path.Join(prompts.Root, file))
	if err != nil {
		return 1
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), key+":") {
			return n
		}
	}
	return 1
}
