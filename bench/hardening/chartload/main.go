// Command chartload measures whether chart traffic starves the cheap API
// endpoints: it times a cached /api/records request from one client alone,
// then again while chart clients request spaghetti PNGs of distinct
// oversized widths (the attack of issue 13, finding 1), and prints p50, p99
// and max latency of both phases, the chart answers by status, the CPU
// used by the server and by the chart load, and the server's peak resident
// memory when its pid is given.
//
// The chart load runs in a child process (this program with -load-only), so
// that it can be started under a wrapper that keeps it off the prober's and
// the server's CPU time, e.g. -wrap "nice -n 19 taskset -c 1": on a machine
// where the load generator shares the cores with the server, an unwrapped
// generator measures its own CPU use as much as the server's behaviour.
//
// By default the quiet and the loaded measurements alternate in slices of
// -slice (the load process stopped with SIGSTOP during quiet slices), so
// that on a shared machine both see the same background load; -slice 0
// measures d quiet, then d loaded.
//
// Chart clients are open loop with -rate > 0 (each sends -rate requests per
// second whatever the answers, at most -inflight at a time, further ticks
// counted as skipped) or closed loop with -rate 0 (each sends its next
// request when the previous one is answered). With -addrs each client
// connects from its own loopback address (127.0.0.10, .11, ...), so that
// the server's per-client limit sees distinct clients. Redirects are
// followed, as a browser or curl -L would; bodies are read into one reused
// buffer per client.
//
// Usage: chartload -url http://127.0.0.1:8080 [-d 10s] [-chart-clients 16]
// [-slice 500ms] [-rate 0] [-inflight 4] [-addrs] [-wrap "nice -n 19 taskset -c 1"] [-pid N]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// loadResult is what the -load-only child prints on stdout when stopped.
type loadResult struct {
	Codes    map[int]int `json:"codes"` // final status (after redirects) by count; -1 transport errors
	Redirect int64       `json:"redirects"`
	Skipped  int64       `json:"skipped"` // open-loop ticks not sent: the client had -inflight requests open
	Bytes    int64       `json:"bytes"`
	Seconds  float64     `json:"seconds"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	dur := flag.Duration("d", 10*time.Second, "duration of each phase")
	clients := flag.Int("chart-clients", 16, "chart clients in the second phase")
	rate := flag.Float64("rate", 0, "chart requests per second per client (open loop); 0: closed loop")
	inflight := flag.Int("inflight", 4, "open loop: most requests one client has open at once")
	addrs := flag.Bool("addrs", false, "each chart client connects from its own loopback address 127.0.0.(10+i)")
	wrap := flag.String("wrap", "", "command prefix for the chart-load process, e.g. \"nice -n 19 taskset -c 1\"")
	pid := flag.Int("pid", 0, "server process id, to report its CPU and peak RSS (VmHWM)")
	record := flag.String("record", "/api/records/sst.world?on=2023-08-21", "the cheap, cached request")
	slice := flag.Duration("slice", 500*time.Millisecond, "alternate quiet and loaded slices of this length over 2×d (0: d quiet, then d loaded)")
	loadOnly := flag.Bool("load-only", false, "internal: run only the chart load until interrupted and print its result as JSON")
	flag.Parse()

	if *loadOnly {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		res := chartLoad(ctx, *base, *clients, *rate, *inflight, *addrs)
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}

	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	buf := make([]byte, 64<<10)
	get := func(path string) (int, error) {
		resp, err := client.Get(*base + path)
		if err != nil {
			return 0, err
		}
		_, err = drain(resp.Body, buf)
		resp.Body.Close()
		return resp.StatusCode, err
	}
	if code, err := get(*record); err != nil || code != 200 {
		fmt.Fprintf(os.Stderr, "chartload: %s: %d %v\n", *record, code, err)
		os.Exit(1)
	}
	// measure requests the record endpoint from one client for d,
	// appending the latencies to lat.
	measure := func(lat []time.Duration, d time.Duration) []time.Duration {
		end := time.Now().Add(d)
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
	fmt.Printf("load average before: %s\n", loadavg())
	mode := "closed loop"
	if *rate > 0 {
		mode = fmt.Sprintf("open loop, %g requests/s per client, at most %d open each", *rate, *inflight)
	}
	from := "one address"
	if *addrs {
		from = "one loopback address each"
	}
	fmt.Printf("chart load: %d clients (%s), %s, process wrapper %q\n", *clients, from, mode, *wrap)
	var quietLat, loadedLat []time.Duration
	if *slice <= 0 {
		quietLat = measure(nil, *dur)
	}

	// Start the chart load in a child process, under the wrapper.
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chartload:", err)
		os.Exit(1)
	}
	args := append(strings.Fields(*wrap), self, "-load-only", "-url", *base, "-chart-clients", fmt.Sprint(*clients),
		"-rate", fmt.Sprint(*rate), "-inflight", fmt.Sprint(*inflight), fmt.Sprintf("-addrs=%v", *addrs))
	child := exec.Command(args[0], args[1:]...)
	var out strings.Builder
	child.Stdout, child.Stderr = &out, os.Stderr
	if err := child.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "chartload: starting the chart load:", err)
		os.Exit(1)
	}
	// nice and taskset exec the program, so the child's pid is the load's.
	time.Sleep(300 * time.Millisecond) // let the clients connect and the first render happen
	// The CPU of each process is summed over the loaded time only.
	var loadCPU, srvCPU, selfCPU, wall time.Duration
	loadedFor := func(d time.Duration) {
		l0, s0, p0, t0 := cpu(child.Process.Pid), cpu(*pid), cpu(0), time.Now()
		loadedLat = measure(loadedLat, d)
		loadCPU, srvCPU, selfCPU, wall = loadCPU+cpu(child.Process.Pid)-l0, srvCPU+cpu(*pid)-s0, selfCPU+cpu(0)-p0, wall+time.Since(t0)
	}
	if *slice <= 0 {
		loadedFor(*dur)
	} else {
		// Alternate quiet and loaded slices (the load process stopped with
		// SIGSTOP, then continued), so that both phases see the same
		// background load of a shared machine.
		for end := time.Now().Add(2 * *dur); time.Now().Before(end); {
			child.Process.Signal(syscall.SIGSTOP)
			quietLat = measure(quietLat, *slice)
			child.Process.Signal(syscall.SIGCONT)
			loadedFor(*slice)
		}
	}
	child.Process.Signal(syscall.SIGCONT)
	quiet := report("records alone", quietLat)
	loaded := report("records under chart load", loadedLat)
	child.Process.Signal(os.Interrupt)
	if err := child.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "chartload: chart load:", err)
	}
	var res loadResult
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
		fmt.Fprintf(os.Stderr, "chartload: chart load result %q: %v\n", out.String(), err)
	}
	var parts []string
	n := 0
	for code, k := range res.Codes {
		parts = append(parts, fmt.Sprintf("%d×%d", k, code))
		n += k
	}
	slices.Sort(parts)
	fmt.Printf("chart requests answered: %d (%s), %d redirects followed, %d ticks skipped, %.0f MB/s of bodies while loaded\n",
		n, strings.Join(parts, ", "), res.Redirect, res.Skipped, float64(res.Bytes)/1e6/max(wall.Seconds(), 1e-9))
	cores := func(d time.Duration) float64 { return d.Seconds() / wall.Seconds() }
	fmt.Printf("CPU during the load phase: server %.2f, chart load %.2f, records prober %.2f cores (of %d)\n",
		cores(srvCPU), cores(loadCPU), cores(selfCPU), runtime.NumCPU())
	fmt.Printf("load average after: %s\n", loadavg())
	fmt.Printf("p99 ratio under load: %.2f (the issue asks for at most 2)\n", float64(loaded)/float64(quiet))
	fmt.Printf("summary quiet_p99_ms=%.3f loaded_p99_ms=%.3f ratio=%.2f\n", ms(quiet), ms(loaded), float64(loaded)/float64(quiet))
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

// chartLoad runs the chart clients until ctx ends and returns what they got.
func chartLoad(ctx context.Context, base string, clients int, rate float64, inflight int, addrs bool) loadResult {
	var mu sync.Mutex
	codes := map[int]int{}
	var redirects, skipped, bytes atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		dialer := &net.Dialer{Timeout: 5 * time.Second}
		if addrs {
			dialer.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+c))}
		}
		hc := &http.Client{Timeout: 60 * time.Second,
			Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: max(1, inflight)},
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				redirects.Add(1)
				if len(via) >= 5 {
					return errors.New("more than 5 redirects")
				}
				return nil
			}}
		bufs := sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}
		one := func(i int) {
			w := 3900 + (c*97+i*13)%100 // distinct widths, all above the maximum
			code := -1
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
				fmt.Sprintf("%s/api/chart/sst.world.png?kind=spaghetti&width=%d&height=4000", base, w), nil)
			if resp, err := hc.Do(req); err == nil {
				b := bufs.Get().(*[]byte)
				n, err := drain(resp.Body, *b)
				bufs.Put(b)
				resp.Body.Close()
				bytes.Add(n)
				if err == nil {
					code = resp.StatusCode
				}
			}
			if ctx.Err() != nil {
				return // cut off by the end of the load, not an answer
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rate <= 0 {
				for i := 0; ctx.Err() == nil; i++ {
					one(i)
				}
				return
			}
			tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
			defer tick.Stop()
			open := make(chan struct{}, max(1, inflight))
			for i := 0; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				select {
				case open <- struct{}{}:
					wg.Add(1)
					go func() {
						defer func() { <-open; wg.Done() }()
						one(i)
					}()
				default:
					skipped.Add(1)
				}
			}
		}()
	}
	<-ctx.Done()
	secs := time.Since(start).Seconds()
	wg.Wait()
	return loadResult{Codes: codes, Redirect: redirects.Load(), Skipped: skipped.Load(), Bytes: bytes.Load(), Seconds: secs}
}

// drain reads r to its end into buf, returning the bytes read: a body is
// consumed with large reads and no copy.
func drain(r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// cpu returns the user+system CPU time of process pid (0: this one), from
// /proc/PID/stat, so that the load phase can say which process used the
// cores.
func cpu(pid int) time.Duration {
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

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadavg returns the 1, 5 and 15 minute load averages of the machine.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
