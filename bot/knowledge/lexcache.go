package knowledge

import "github.com/batonhq/baton/bot/memo"

// lexicalMatchers keeps the lexical matchers of the last four
// calibrations that named their Source (content's hash of the files read
// and the settings), so a reload that changed nothing matching reads
// reuses the matcher instead of calibrating again. A Calibrated is
// read-only once built: Sets share it.
var lexicalMatchers = memo.New[*Calibrated](4)
