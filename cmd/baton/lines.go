package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// perLine is the loop of the line-at-a-time tools (`baton detect`,
// `baton match`): each argument, or when there are none each stdin line
// (CR stripped, up to 1 MiB), goes to each,
// which returns the value to print as one JSON line, or nil when it wrote
// its own readable lines to w (--explain). A read or write error ends it
// with "baton name: ..." on stderr and exit code 1.
func perLine(name string, args []string, stdin io.Reader, stdout, stderr io.Writer, each func(w io.Writer, line string) any) int {
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	one := func(line string) bool {
		v := each(out, line)
		if v == nil {
			return true
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "baton %s: write: %v\n", name, err)
			return false
		}
		return true
	}
	if len(args) > 0 {
		for _, a := range args {
			if !one(a) {
				return 1
			}
		}
		if err := out.Flush(); err != nil {
			fmt.Fprintf(stderr, "baton %s: write: %v\n", name, err)
			return 1
		}
		return 0
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if !one(strings.TrimSuffix(sc.Text(), "\r")) {
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "baton %s: read stdin: %v\n", name, err)
		return 1
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "baton %s: write: %v\n", name, err)
		return 1
	}
	return 0
}
