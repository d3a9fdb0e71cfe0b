package testutil

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// This file runs a package's tests against both store backends. A package
// whose tests open stores through DB declares
//
//	func TestMain(m *testing.M) { os.Exit(testutil.RunBackends(m)) }
//
// RunBackends runs every test of the package once with SQLite and, when
// PostgreSQL testing is on (PostgresWanted), once more against a throwaway
// PostgreSQL cluster that it starts for the test binary (initdb and pg_ctl
// from Debian's postgresql package, data and unix socket in a temporary
// folder, on a free port) and stops at the end. DB gives each test a fresh
// database of the backend being run: a file in t.TempDir() for SQLite, a
// new database (CREATE DATABASE … TEMPLATE template0) for PostgreSQL. With
// Options.Template, that fresh database is instead a copy of one prepared
// once per run (see Options.Template).
//
// PostgreSQL testing is on when STOCKTAKE_TEST_POSTGRES is set (to 1, or to
// the postgres:// URL of an existing server on which the tests may create
// databases) or when CI=true. When it is on and no cluster can be started,
// the run fails: CI never passes without having run the PostgreSQL tests.

// Backend names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// current is the backend the running tests use (see RunBackends).
var current atomic.Value

func init() { current.Store(SQLite) }

// Backend returns the backend the tests of this run use: SQLite or
// Postgres.
func Backend() string { return current.Load().(string) }

// PostgresWanted reports whether the tests must also run on PostgreSQL.
func PostgresWanted() bool {
	v := os.Getenv("STOCKTAKE_TEST_POSTGRES")
	return (v != "" && v != "0") || os.Getenv("CI") == "true"
}

// Runner is what RunBackends needs of *testing.M.
type Runner interface{ Run() int }

// Options adjusts RunBackends.
type Options struct {
	// Only, when not empty, is the -test.run pattern of the PostgreSQL
	// run: the tests that touch the store, in a package where most do
	// not (an explicit -run given to go test takes precedence).
	Only string
	// Reset, when not nil, is called after each run: it drops what tests
	// share across a run (a store opened once, say), so that the next run
	// builds it on its own backend.
	Reset func()
	// Template, when not nil, prepares an empty database given where it
	// is (a SQLite file path or a postgres:// URL, as DB returns), the way
	// every test's database starts: typically it opens a store there, which
	// applies the schema migrations, and closes it again. It is called once
	// per run, at the first DB or DBForRun of that run, and DB and
	// DBForRun then return copies of the prepared database (a file copy
	// with SQLite, CREATE DATABASE … TEMPLATE with PostgreSQL) instead of
	// empty ones: each test still gets a database of its own, without
	// paying for the migrations again. Template must leave no connection
	// open to the database. Packages that test the migrations themselves
	// leave it nil.
	Template func(dsn string) error
}

// runTemplate is the prepared database of the running run (see
// Options.Template); nil when the package has none.
var runTemplate atomic.Pointer[template]

// template is a database prepared once per run by Options.Template.
type template struct {
	prepare func(dsn string) error
	once    sync.Once
	dir     string // SQLite: folder of the prepared file; removed by drop
	where   string // SQLite: the prepared file; PostgreSQL: the database name
	err     error
}

// ready prepares the template on first use and reports why it cannot be
// used.
func (tp *template) ready() error {
	tp.once.Do(func() {
		if Backend() == SQLite {
			if tp.dir, tp.err = os.MkdirTemp("", "stocktake-template-"); tp.err != nil {
				return
			}
			tp.where = filepath.Join(tp.dir, "st.db")
			if tp.err = tp.prepare(tp.where); tp.err != nil {
				tp.err = fmt.Errorf("preparing the template database: %w", tp.err)
				return
			}
			for _, side := range []string{"-wal", "-journal"} {
				if fi, err := os.Stat(tp.where + side); err == nil && fi.Size() > 0 {
					tp.err = fmt.Errorf("the template database %s still has a non-empty %s file after Options.Template: is a store left open?", tp.where, side)
				}
			}
			return
		}
		cl, _ := pg.Load().(*cluster)
		if cl == nil {
			tp.err = errors.New("the PostgreSQL run has no cluster")
			return
		}
		dsn, err := cl.createDB("template0")
		if err != nil {
			tp.err = err
			return
		}
		tp.where = cl.lastName(dsn)
		if tp.err = tp.prepare(dsn); tp.err != nil {
			tp.err = fmt.Errorf("preparing the template database: %w", tp.err)
		}
	})
	return tp.err
}

// newDB makes a copy of the template: the file copied to path with SQLite,
// a new database created from it (whose URL is returned) with PostgreSQL.
func (tp *template) newDB(path string) (string, error) {
	if err := tp.ready(); err != nil {
		return "", err
	}
	if Backend() == SQLite {
		if err := copyFile(tp.where, path); err != nil {
			return "", fmt.Errorf("copying the template database: %w", err)
		}
		return path, nil
	}
	cl, _ := pg.Load().(*cluster)
	if cl == nil {
		return "", errors.New("the PostgreSQL run has no cluster")
	}
	return cl.createDB(tp.where)
}

// drop removes the template of a run that has ended.
func (tp *template) drop() {
	if tp.dir != "" {
		os.RemoveAll(tp.dir)
	}
	if cl, _ := pg.Load().(*cluster); cl != nil && Backend() == Postgres && tp.where != "" {
		cl.dropDB(tp.where)
	}
}

// copyFile copies the file src to the new file dst with src's permission
// bits (a store makes its file 0600).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// startRun installs the template of a run on the backend just selected
// and returns the function that removes it when the run ends.
func startRun(opt Options) func() {
	if opt.Template == nil {
		return func() {}
	}
	tp := &template{prepare: opt.Template}
	runTemplate.Store(tp)
	return func() {
		runTemplate.Store(nil)
		tp.drop()
	}
}

// RunBackends runs the package's tests once per backend (see the comment
// at the top of this file) and returns the exit code for os.Exit: nonzero
// when any run failed or PostgreSQL was wanted but could not be started.
func RunBackends(m Runner, opt Options) int {
	end := startRun(opt)
	code := m.Run()
	end()
	if opt.Reset != nil {
		opt.Reset()
	}
	if !PostgresWanted() {
		return code
	}
	if f := flag.Lookup("test.run"); opt.Only != "" && f != nil && f.Value.String() == "" {
		f.Value.Set(opt.Only)
		defer f.Value.Set("")
	}
	cl, err := startCluster()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testutil: PostgreSQL tests wanted (STOCKTAKE_TEST_POSTGRES or CI=true) but no server: %v\n", err)
		return 1
	}
	defer cl.stop()
	pg.Store(cl)
	current.Store(Postgres)
	fmt.Fprintf(os.Stderr, "== the same tests against PostgreSQL (%s)\n", cl.version)
	end = startRun(opt)
	if c := m.Run(); c != 0 {
		code = c
	}
	end()
	if opt.Reset != nil {
		opt.Reset()
	}
	current.Store(SQLite)
	return code
}

// DBTB is what DB needs of a test.
type DBTB interface {
	TB
	TempDir() string
	Cleanup(func())
}

// DB returns where a test's fresh database is, for store.Open: a file path
// under t.TempDir() with SQLite, a postgres:// URL of a newly created
// database with PostgreSQL (dropped when the test ends). The database is
// empty, or a copy of the run's template (Options.Template).
func DB(t DBTB) string {
	t.Helper()
	tp := runTemplate.Load()
	if Backend() == SQLite {
		path := filepath.Join(t.TempDir(), "st.db")
		if tp != nil {
			if _, err := tp.newDB(path); err != nil {
				t.Fatalf("testutil.DB: %v", err)
			}
		}
		return path
	}
	cl, _ := pg.Load().(*cluster)
	if cl == nil {
		t.Fatalf("testutil.DB: the PostgreSQL run has no cluster (is TestMain using testutil.RunBackends?)")
	}
	var dsn string
	var err error
	if tp != nil {
		dsn, err = tp.newDB("")
	} else {
		dsn, err = cl.createDB("template0")
	}
	if err != nil {
		t.Fatalf("testutil.DB: %v", err)
	}
	name := cl.lastName(dsn)
	t.Cleanup(func() { cl.dropDB(name) })
	return dsn
}

// DBForRun returns where a fresh database shared by the tests of one run
// is: a file in dir with SQLite, a new PostgreSQL database (gone when the
// cluster stops) with PostgreSQL. Like DB's, the database is empty or a
// copy of the run's template.
func DBForRun(dir string) (string, error) {
	tp := runTemplate.Load()
	if Backend() == SQLite {
		path := filepath.Join(dir, "st.db")
		if tp != nil {
			return tp.newDB(path)
		}
		return path, nil
	}
	cl, _ := pg.Load().(*cluster)
	if cl == nil {
		return "", errors.New("testutil.DBForRun: the PostgreSQL run has no cluster")
	}
	if tp != nil {
		return tp.newDB("")
	}
	return cl.createDB("template0")
}

// StartPostgres starts a throwaway PostgreSQL cluster as the tests do, for
// programs such as benchmarks: newDB creates an empty database and returns
// its URL; stop stops the cluster and deletes its folder.
func StartPostgres() (newDB func() (string, error), stop func(), err error) {
	cl, err := startThrowaway()
	if err != nil {
		return nil, nil, err
	}
	return func() (string, error) { return cl.createDB("template0") }, cl.stop, nil
}

// pg holds the running cluster of the PostgreSQL run.
var pg atomic.Value

// cluster is a PostgreSQL server the tests create databases on.
type cluster struct {
	base    *url.URL // URL of the maintenance database "postgres"
	admin   *sql.DB
	dir     string   // temporary folder of a throwaway cluster ("" for an external server)
	pgCtl   string   // pg_ctl binary of a throwaway cluster
	asUser  []string // command prefix running a command as the cluster's owner
	version string
	n       atomic.Int64
	mu      sync.Mutex
}

// startCluster connects to the server named by STOCKTAKE_TEST_POSTGRES
// when that is a URL, and otherwise starts a throwaway cluster.
func startCluster() (*cluster, error) {
	if v := os.Getenv("STOCKTAKE_TEST_POSTGRES"); strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://") {
		u, err := url.Parse(v)
		if err != nil {
			return nil, fmt.Errorf("STOCKTAKE_TEST_POSTGRES: %w", err)
		}
		cl := &cluster{base: u}
		return cl, cl.connect()
	}
	return startThrowaway()
}

// pgBin finds a PostgreSQL server binary under /usr/lib/postgresql/*/bin
// (Debian's layout; the newest major version wins), then on PATH.
func pgBin(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found under /usr/lib/postgresql/*/bin nor on PATH: install Debian's postgresql package (scripts/setup.sh does)", name)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// startThrowaway creates a cluster in a new temporary folder with initdb,
// starts it with pg_ctl on a free port, listening on a unix socket in that
// folder only, and connects. PostgreSQL refuses to run as root: as root
// the cluster is created and run as the "postgres" user (made by Debian's
// package), which then owns the folder.
func startThrowaway() (*cluster, error) {
	initdb, err := pgBin("initdb")
	if err != nil {
		return nil, err
	}
	pgCtl, err := pgBin("pg_ctl")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "stocktake-pg-")
	if err != nil {
		return nil, err
	}
	cl := &cluster{dir: dir, pgCtl: pgCtl}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs runuser (util-linux) to run the server as postgres: %w", err)
		}
		cl.asUser = []string{runuser, "-u", "postgres", "--"}
	}
	data := filepath.Join(dir, "data")
	if out, err := cl.run(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Durability settings are off: the cluster lives for one test binary.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off "+
		"-c shared_buffers=32MB -c max_connections=200", port, dir)
	if out, err := cl.run(pgCtl, "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	cl.base = &url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {dir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode()}
	if err := cl.connect(); err != nil {
		cl.stop()
		return nil, err
	}
	return cl, nil
}

// run runs a server command as the cluster's owner.
func (cl *cluster) run(name string, args ...string) ([]byte, error) {
	argv := append(append(append([]string{}, cl.asUser...), name), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // runuser keeps the working directory, which postgres may not be able to read
	return cmd.CombinedOutput()
}

// freePort returns a TCP port no one listens on now. The server listens
// only on its unix socket, whose name carries the port, so a port taken
// meanwhile by someone else does not clash.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// connect opens the admin connection and reads the server version.
func (cl *cluster) connect() error {
	db, err := sql.Open("pgx", cl.base.String())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&cl.version); err != nil {
		db.Close()
		return fmt.Errorf("connecting to the test PostgreSQL: %w", err)
	}
	cl.admin = db
	cl.version = "PostgreSQL " + cl.version
	return nil
}

// createDB creates a database as a copy of the database named from
// (template0: an empty one) and returns its URL.
func (cl *cluster) createDB(from string) (string, error) {
	name := fmt.Sprintf("stocktake_test_%d_%d", os.Getpid(), cl.n.Add(1))
	if _, err := cl.admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + from); err != nil {
		return "", fmt.Errorf("creating test database %s: %w", name, err)
	}
	u := *cl.base
	u.Path = "/" + name
	return u.String(), nil
}

// lastName returns the database name of a URL made by createDB.
func (cl *cluster) lastName(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

// dropDB drops a test database, closing any connection left to it.
func (cl *cluster) dropDB(name string) {
	if name == "" {
		return
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
}

// stop stops a throwaway cluster and deletes its folder; for an external
// server it only disconnects.
func (cl *cluster) stop() {
	if cl.admin != nil {
		cl.admin.Close()
	}
	if cl.dir == "" {
		return
	}
	data := filepath.Join(cl.dir, "data")
	if out, err := cl.run(cl.pgCtl, "-D", data, "-m", "immediate", "-w", "stop"); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "testutil: pg_ctl stop: %v\n%s", err, out)
	}
	os.RemoveAll(cl.dir)
}
