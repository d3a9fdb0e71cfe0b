// Command chartload measures whether chart rendering starves the cheap API
// endpoints: it times a cached /api/records request alone, then again while
// a number of clients request spaghetti charts of distinct oversized widths
// (the attack of issue 13, finding 1), and prints p50, p99 and max latency
// of both phases, the chart answers by status, and the server's peak
// resident memory when its pid is given.
//
// Usage: chartload -url http://127.0.0.1:8080 [-d 10s] [-chart-clients 16] [-pid N]
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	dur := flag.Duration("d", 10*time.Second, "duration of each phase")
	clients := flag.Int("chart-clients", 16, "concurrent chart clients in the second phase")
	pid := flag.Int("pid", 0, "server process id, to report its peak RSS (VmHWM)")
	record := flag.String("record", "/api/records/sst.world?on=2023-08-21", "the cheap, cached request")
	flag.Parse()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(path string) (int, error) {
		resp, err := client.Get(*base + path)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	if code, err := get(*record); err != nil || code != 200 {
		fmt.Fprintf(os.Stderr, "chartload: %s: %d %v\n", *record, code, err)
		os.Exit(1)
	}
	// measure requests the record endpoint from one client for d.
	measure := func() []time.Duration {
		var lat []time.Duration
		end := time.Now().Add(*dur)
		for time.Now().Before(end) {
			t := time.Now()
			if code, err := get(*record); err != nil || code != 200 {
				fmt.Fprintf(os.Stderr, "chartload: record request failed: %d %v\n", code, err)
			}
			lat = append(lat, time.Since(t))
		}
		return lat
	}
	report := func(name string, lat []time.Duration) time.Duration {
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		fmt.Printf("%-28s n=%-6d p50=%-10s p99=%-10s max=%s\n", name, len(lat), q(0.50).Round(10*time.Microsecond),
			q(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
		return q(0.99)
	}
	quiet := report("records alone", measure())

	// cpu returns the user+system CPU time of process pid (0: this one),
	// from /proc/PID/stat, so that the load phase can say which process
	// used the cores: the server or this load generator.
	cpu := func(pid int) time.Duration {
		name := "/proc/self/stat"
		if pid > 0 {
			name = fmt.Sprintf("/proc/%d/stat", pid)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return 0
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		var ut, st int64
		fmt.Sscan(f[11], &ut)
		fmt.Sscan(f[12], &st)
		return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	}
	selfCPU, srvCPU, start := cpu(0), cpu(*pid), time.Now()
	var stop atomic.Bool
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	var n atomic.Int64
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				w := 3900 + (c*97+i*13)%100 // distinct widths, all above the maximum
				code, err := get(fmt.Sprintf("/api/chart/sst.world.png?kind=spaghetti&width=%d&height=4000", w))
				if err != nil {
					code = -1
				}
				n.Add(1)
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		}()
	}
	loaded := report("records under chart load", measure())
	selfCPU, srvCPU, wall := cpu(0)-selfCPU, cpu(*pid)-srvCPU, time.Since(start)
	stop.Store(true)
	wg.Wait()
	var parts []string
	for code, k := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", k, code))
	}
	slices.Sort(parts)
	fmt.Printf("chart requests: %d (%s)\n", n.Load(), strings.Join(parts, ", "))
	if *pid > 0 {
		fmt.Printf("CPU during the load phase: server %.2f cores, load generator %.2f cores (of %d)\n",
			srvCPU.Seconds()/wall.Seconds(), selfCPU.Seconds()/wall.Seconds(), runtime.NumCPU())
	}
	fmt.Printf("p99 ratio under load: %.2f (the issue asks for at most 2)\n", float64(loaded)/float64(quiet))
	if *pid > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid)); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "VmRSS") {
					fmt.Println("server", strings.Join(strings.Fields(l), " "))
				}
			}
		}
	}
}
