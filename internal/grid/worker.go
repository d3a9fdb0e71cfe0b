package grid

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// Request is one unit of work: the regional means of one variable of one
// file. Workers receive requests as JSON lines on stdin.
type Request struct {
	Seq      int      `json:"seq"` // position in the caller's list; echoed in the Response
	File     string   `json:"file"`
	Var      string   `json:"var"`
	Regions  []Region `json:"regions"`
	Checksum bool     `json:"checksum"` // also compute the file's SHA-256 and size
	// Weighting is Exact (the default when empty) or CDO.
	Weighting Weighting `json:"weighting,omitempty"`
	// Reader chooses the NetCDF-4 reader: ReaderAuto (empty: the Go reader,
	// netCDF-C for what it does not support), ReaderGo or ReaderNetCDF.
	Reader Reader `json:"reader,omitempty"`
}

// Response is the outcome of one Request. Exactly one of Results and Err is
// meaningful: Err is "" on success and otherwise a message that starts with
// the file name.
type Response struct {
	Seq             int       `json:"seq"`
	File            string    `json:"file"`
	Results         []Result  `json:"results,omitempty"`
	Err             string    `json:"err,omitempty"`
	ProducerVersion string    `json:"producer_version,omitempty"` // global attribute product_version or version
	SHA256          string    `json:"sha256,omitempty"`           // hex, when Checksum was asked for
	Size            int64     `json:"size,omitempty"`             // bytes, when Checksum was asked for
	ModTime         time.Time `json:"mtime,omitzero"`             // file modification time, when Checksum was asked for
}

// Process handles one request in the calling process.
func Process(req Request) Response {
	res, version, err := meanFileReader(req.File, req.Var, req.Regions, req.Weighting, req.Reader)
	return respond(req, res, version, err)
}

// processGo handles req with the Go reader, in the calling goroutine. ok is
// false when the Go reader does not support the file and req allows
// netCDF-C (req.Reader is ReaderAuto): the caller then sends it to netCDF-C.
func processGo(req Request) (resp Response, ok bool) {
	res, version, err := meanFileReader(req.File, req.Var, req.Regions, req.Weighting, ReaderGo)
	if err != nil && req.Reader == ReaderAuto && errors.Is(err, hdf5.ErrUnsupported) {
		return Response{}, false
	}
	return respond(req, res, version, err), true
}

// goReads counts the files the Go reader read successfully (atomically);
// tests use it to check which reader was used.
var goReads atomic.Int64

// respond builds the Response to req from the outcome of its read, adding
// the checksum when asked for.
func respond(req Request, res []Result, version string, err error) Response {
	resp := Response{Seq: req.Seq, File: req.File}
	if err != nil {
		resp.Err = (&FileError{File: req.File, Err: err}).Error()
		return resp
	}
	resp.Results, resp.ProducerVersion = res, version
	if req.Checksum {
		sum, size, mtime, err := checksum(req.File)
		if err != nil {
			resp.Results = nil
			resp.Err = (&FileError{File: req.File, Err: err}).Error()
			return resp
		}
		resp.SHA256, resp.Size, resp.ModTime = sum, size, mtime
	}
	return resp
}

// checksum returns the hex SHA-256 of the file at path, its size in bytes
// and its modification time in UTC.
func checksum(path string) (string, int64, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, time.Time{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, time.Time{}, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, time.Time{}, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, st.ModTime().UTC(), nil
}

// Serve is the main loop of a worker process: it reads Requests as JSON
// lines from r, handles each with handle (Process when nil) and writes one
// Response line to w per request, until r ends. It returns nil at the end
// of input.
func Serve(r io.Reader, w io.Writer, handle func(Request) Response) error {
	if handle == nil {
		handle = Process
	}
	in := bufio.NewScanner(r)
	in.Buffer(make([]byte, 64<<10), 16<<20)
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req Request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			return fmt.Errorf("worker: bad request: %v", err)
		}
		if err := enc.Encode(handle(req)); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return in.Err()
}

// Pool runs requests. Files the Go reader supports (NetCDF-4 as netCDF-C
// writes it; see internal/hdf5) are read in this process by Workers
// goroutines. The others go to worker processes, started only when the
// first such file comes: each worker owns its own copy of netCDF-C and
// HDF5, which are not thread-safe, so N workers read N files at once; and a
// crash or hang inside the C libraries (a corrupt file can cause either)
// fails only the file being read: the worker is replaced and the run
// continues.
type Pool struct {
	// Workers is the number of goroutines and of worker processes; 0 means
	// everything in-process on the calling goroutine, with neither
	// parallelism nor crash isolation.
	Workers int
	// Processes is the number of netCDF-C worker processes for the files
	// the Go reader declines, started only when the first such file comes;
	// 0 means Workers. Goroutines are cheap where the CPUs are busy (they
	// time-share inside one process), worker processes are not (each has
	// its own start-up and memory), so callers may bound the processes by
	// the CPUs that are free and the goroutines only by the CPUs there are.
	Processes int
	// Command returns a new, unstarted command that runs Serve on its stdin
	// and stdout (for the CLI: the stocktake executable with a hidden
	// subcommand; in tests: the test binary with an environment switch).
	Command func() *exec.Cmd
	// Timeout bounds the time one file may take; 0 means 2 minutes.
	Timeout time.Duration

	mu      sync.Mutex
	maxRSS  []int64 // peak resident set per worker slot, bytes
	started int     // worker processes started, including replacements
}

// Stats reports the peak resident memory of each worker slot (the largest
// over the processes that slot ran, in bytes) and how many worker processes
// were started. It is complete once Run has returned.
func (p *Pool) Stats() (maxRSS []int64, started int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64(nil), p.maxRSS...), p.started
}

// Run processes reqs and calls emit once per request, in the order of reqs,
// as soon as that request and all before it are done. It returns early with
// ctx's error if ctx is cancelled; requests not yet emitted are then
// dropped. A file's failure is reported in its Response, never as Run's
// error.
func (p *Pool) Run(ctx context.Context, reqs []Request, emit func(Response)) error {
	for i := range reqs {
		reqs[i].Seq = i
	}
	done := make(chan Response, len(reqs))
	if p.Workers <= 0 {
		for _, r := range reqs {
			if err := ctx.Err(); err != nil {
				return err
			}
			emit(Process(r))
		}
		return nil
	}
	n := min(p.Workers, len(reqs))
	np := n
	if p.Processes > 0 {
		np = min(p.Processes, len(reqs))
	}
	p.mu.Lock()
	p.maxRSS = make([]int64, np)
	p.mu.Unlock()
	queue := make(chan Request)
	// fallback holds the requests for netCDF-C's worker processes; it has
	// room for every request, so the goroutines never wait on it.
	fallback := make(chan Request, len(reqs))
	var fastWG, slotWG sync.WaitGroup
	var startSlots sync.Once
	toNetCDF := func(r Request) {
		if !NetCDFSupport || p.Command == nil {
			// No netCDF-C to fall back to (or no way to start it): the
			// in-process answer says why.
			done <- Process(r)
			return
		}
		startSlots.Do(func() {
			for slot := 0; slot < np; slot++ {
				slotWG.Add(1)
				go func() {
					defer slotWG.Done()
					p.runSlot(ctx, slot, fallback, done)
				}()
			}
		})
		r.Reader = ReaderNetCDF // the Go reader has already declined it
		fallback <- r
	}
	for range n {
		fastWG.Add(1)
		go func() {
			defer fastWG.Done()
			for r := range queue {
				if r.Reader != ReaderNetCDF {
					if resp, ok := processGo(r); ok {
						done <- resp
						continue
					}
				}
				toNetCDF(r)
			}
		}()
	}
	go func() {
		defer close(queue)
		for _, r := range reqs {
			select {
			case queue <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		fastWG.Wait()
		close(fallback)
		slotWG.Wait()
		close(done)
	}()
	pending := map[int]Response{}
	next := 0
	for resp := range done {
		pending[resp.Seq] = resp
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			emit(r)
			next++
		}
	}
	if next < len(reqs) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("grid: %d of %d files were not processed", len(reqs)-next, len(reqs))
	}
	return nil
}

// worker is one running worker process.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte // response lines; closed when stdout ends
	stderr *headBuffer
}

// start runs a new worker process from p.Command, with a goroutine that
// forwards its response lines to w.lines.
func (p *Pool) start() (*worker, error) {
	cmd := p.Command()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	tail := &headBuffer{max: 4096}
	cmd.Stderr = tail
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting grid worker: %w", err)
	}
	p.mu.Lock()
	p.started++
	p.mu.Unlock()
	w := &worker{cmd: cmd, stdin: stdin, lines: make(chan []byte, 1), stderr: tail}
	go func() {
		defer close(w.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			w.lines <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	return w, nil
}

// stop ends w (kill when force, else by closing its stdin) and records its
// peak memory in slot. It returns how the process ended.
func (p *Pool) stop(w *worker, slot int, force bool) string {
	// The peak resident memory of the worker's own address space, read
	// while it is still alive. (The rusage of a child started by os/exec is
	// not usable for this: Linux carries the parent's peak into a child that
	// shares the parent's memory until exec, as vfork-style spawning does.)
	p.notePeak(w, slot)
	w.stdin.Close()
	if force {
		_ = w.cmd.Process.Kill()
	}
	for range w.lines { // drain so that the reader goroutine ends
	}
	err := w.cmd.Wait()
	how := "exited"
	if err != nil {
		how = err.Error()
	}
	if t := strings.TrimSpace(w.stderr.String()); t != "" {
		lines := strings.Split(t, "\n")
		how += "; stderr: " + strings.Join(lines[:min(3, len(lines))], " | ")
	}
	return how
}

// pipelineDepth is the number of requests a worker process may hold at
// once: while it reads one file the next request is already in its input
// pipe, so it never waits for the parent's round trip between files.
const pipelineDepth = 2

// notePeak records the peak resident memory of the live worker w in slot.
// It is read after every answered file too, so that the peak of a worker
// that later crashes (and can no longer be read) is still known.
func (p *Pool) notePeak(w *worker, slot int) {
	if hwm := VmHWM(w.cmd.Process.Pid); hwm > 0 {
		p.mu.Lock()
		p.maxRSS[slot] = max(p.maxRSS[slot], hwm)
		p.mu.Unlock()
	}
}

// runSlot serves one worker slot: it sends requests from queue to its
// worker process (started on demand), up to pipelineDepth at a time, and
// puts one Response per request on done. The worker answers in order, so
// the oldest unanswered request is the one it is reading. A worker that
// crashes, sends a malformed response, takes longer than p.Timeout for one
// file or is interrupted by ctx is killed; that oldest request fails with a
// message saying so, the requests queued behind it (not yet started) are
// sent again to a new worker, and the run goes on.
func (p *Pool) runSlot(ctx context.Context, slot int, queue <-chan Request, done chan<- Response) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	var w *worker
	defer func() {
		if w != nil {
			p.stop(w, slot, false)
		}
	}()
	var inflight, retry []Request // sent and unanswered; to send again first
	var headSince time.Time       // when inflight[0] became the oldest
	open := true                  // queue is not yet closed
	// fail kills the worker, fails the oldest request with failure and
	// queues the others to be sent again.
	fail := func(failure string) {
		how := p.stop(w, slot, true)
		w = nil
		head := inflight[0]
		retry = append(append([]Request(nil), inflight[1:]...), retry...)
		inflight = nil
		done <- Response{Seq: head.Seq, File: head.File,
			Err: fmt.Sprintf("%s: the worker reading this file %s (%s); other files are not affected", head.File, failure, how)}
	}
	// send writes req to the worker, starting one if needed.
	send := func(req Request) {
		if w == nil {
			var err error
			if w, err = p.start(); err != nil {
				done <- Response{Seq: req.Seq, File: req.File, Err: fmt.Sprintf("%s: %v", req.File, err)}
				return
			}
		}
		b, _ := json.Marshal(req)
		if _, err := w.stdin.Write(append(b, '\n')); err != nil {
			if len(inflight) > 0 {
				// The worker died reading an earlier request.
				retry = append(retry, req)
				fail("crashed while reading it")
				return
			}
			how := p.stop(w, slot, true)
			w = nil
			done <- Response{Seq: req.Seq, File: req.File, Err: fmt.Sprintf("%s: grid worker failed (%s)", req.File, how)}
			return
		}
		if len(inflight) == 0 {
			headSince = time.Now()
		}
		inflight = append(inflight, req)
	}
	for open || len(inflight) > 0 || len(retry) > 0 {
		if len(inflight) < pipelineDepth && len(retry) > 0 {
			req := retry[0]
			retry = retry[1:]
			send(req)
			continue
		}
		var in <-chan Request
		if open && len(inflight) < pipelineDepth {
			in = queue
		}
		var lines <-chan []byte
		var expire <-chan time.Time
		var cancel <-chan struct{}
		var timer *time.Timer
		if len(inflight) > 0 {
			lines = w.lines
			timer = time.NewTimer(timeout - time.Since(headSince))
			expire = timer.C
			cancel = ctx.Done()
		}
		select {
		case req, ok := <-in:
			if !ok {
				open = false
			} else {
				send(req)
			}
		case line, ok := <-lines:
			var resp Response
			switch {
			case !ok:
				fail("crashed while reading it")
			case json.Unmarshal(line, &resp) != nil || resp.Seq != inflight[0].Seq:
				fail("sent a malformed response")
			default:
				inflight = inflight[1:]
				headSince = time.Now()
				p.notePeak(w, slot)
				done <- resp
			}
		case <-expire:
			fail(fmt.Sprintf("took longer than %v", timeout))
		case <-cancel:
			fail("was interrupted")
			// The other requests are dropped: Run returns ctx's error.
			retry = nil
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// headBuffer keeps the first max bytes written to it (the start of a
// crash report is the useful part).
type headBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *headBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - len(t.b); room > 0 {
		t.b = append(t.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *headBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// VmHWM returns the peak resident set size in bytes of the live process
// pid, from /proc/PID/status (Linux), or 0 if it cannot be read.
func VmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
