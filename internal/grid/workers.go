package grid

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// DefaultWorkers returns the number of worker processes to start for files
// files on a machine with cpus CPUs whose 1-minute load average is load:
// one per file, but no more than the CPUs that are not already busy, and
// at least one. A CPU counts as busy for each whole unit of load (the load
// average counts runnable processes, so 0.7 is mostly idle time on one CPU
// and 1.2 is one busy CPU); a negative or NaN load is treated as 0. More workers than idle CPUs would
// only time-share the CPUs with the other processes, and more than files
// would start processes with nothing to read.
func DefaultWorkers(files, cpus int, load float64) int {
	if math.IsNaN(load) || load < 0 {
		load = 0
	}
	busy := cpus
	if load < float64(cpus) {
		busy = int(math.Floor(load))
	}
	return max(1, min(files, cpus-busy))
}

// LoadAverage returns the 1-minute load average of the machine from
// /proc/loadavg (Linux), or an error where that file does not exist or
// cannot be parsed.
func LoadAverage() (float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	return parseLoadAvg(string(b))
}

// parseLoadAvg parses the first field of a /proc/loadavg line such as
// "0.52 0.58 0.59 1/123 4567".
func parseLoadAvg(s string) (float64, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, fmt.Errorf("/proc/loadavg: empty")
	}
	x, err := strconv.ParseFloat(f[0], 64)
	if err != nil || x < 0 {
		return 0, fmt.Errorf("/proc/loadavg: bad 1-minute load %q", f[0])
	}
	return x, nil
}
