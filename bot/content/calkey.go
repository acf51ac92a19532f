package content

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path"

	"github.com/batonhq/baton/bot/knowledge"
)

// calibrationKey hashes what a lexical matcher is built from: every file
// of the knowledge folder, the lexicon and the off-topic samples (names
// and bytes), and the calibration settings. knowledge.NewLexicalMatcher
// reuses the matcher of an earlier load with the same key: calibrating is
// the slow part of a load (seconds on a busy machine), and most reloads
// change a persona line or a handoff rule, not what matching reads. ""
// when a folder cannot be read whole: such a load is not reused.
func calibrationKey(prompts, knowledgeSrc Source, cfg knowledge.CalibrationConfig) string {
	h := sha256.New()
	fmt.Fprintf(h, "%#v\x00", cfg)
	for _, tree := range []struct {
		fsys fs.FS
		root string
	}{
		{knowledgeSrc.FS, knowledgeSrc.Root},
		{prompts.FS, path.Join(prompts.Root, "lexicon")},
		{prompts.FS, path.Join(prompts.Root, "offtopic")},
	} {
		fmt.Fprintf(h, "tree %s\x00", tree.root)
		err := fs.WalkDir(tree.fsys, tree.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(tree.fsys, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return ""
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
