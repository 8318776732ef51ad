package pgstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times on Linux.
const clockTick = 100

// pgCPU returns the CPU time used so far by a local PostgreSQL server: the
// postmaster and its live children, plus the children that already exited
// (cutime, cstime). ok is false when the server's processes cannot be read
// (a remote server, another OS).
func pgCPU(ctx context.Context, pool *pgxpool.Pool) (time.Duration, bool) {
	var backend int
	if err := pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return 0, false
	}
	st, ok := procStat(backend)
	if !ok {
		return 0, false
	}
	postmaster := st[4-3] // ppid is field 4
	pm, err := strconv.Atoi(postmaster)
	if err != nil {
		return 0, false
	}
	pmStat, ok := procStat(pm)
	if !ok {
		return 0, false
	}
	total := ticks(pmStat, 14, 15, 16, 17)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if s, ok := procStat(pid); ok && s[4-3] == postmaster {
			total += ticks(s, 14, 15)
		}
	}
	return time.Duration(total) * time.Second / clockTick, true
}

// procStat returns the fields of /proc/pid/stat after the command name,
// so that field n of proc(5) is at index n-3.
func procStat(pid int) ([]string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	f := strings.Fields(s[i+1:])
	return f, len(f) > 15
}

func ticks(f []string, fields ...int) int64 {
	var n int64
	for _, k := range fields {
		v, _ := strconv.ParseInt(f[k-3], 10, 64)
		n += v
	}
	return n
}

// selfCPU returns the CPU time used by this process.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
