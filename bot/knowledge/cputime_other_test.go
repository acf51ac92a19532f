//go:build !unix

package knowledge

func cpuTime() int64 { return 0 }
