//go:build unix

package knowledge

import "syscall"

// cpuTime is the process's user+system CPU time in nanoseconds. Benchmarks
// report it per operation beside the wall time, because on a shared
// machine wall time also counts other people's work.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
