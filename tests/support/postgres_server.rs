//! A real PostgreSQL server for tests (Debian's `postgresql`, binaries under
//! /usr/lib/postgresql/<version>/bin, installed by .ci/run): a new cluster per [`Postgres`],
//! in a temporary directory, listening on 127.0.0.1 at a free port with its Unix socket in
//! that directory, stopped (`pg_ctl stop -m immediate`) and deleted when dropped.
//!
//! - initdb refuses to run as root, so when the tests run as root the cluster directories are
//!   chowned to `postgres` and initdb/pg_ctl run through `runuser -u postgres --`;
//! - the server's user must reach every file it touches, wherever the clone lives (a clone in
//!   /root or in a 0700 directory is out of the `postgres` user's reach): so a server's files
//!   are in a directory made for it under the system's temporary directory ([`scratch_root`]),
//!   owned by the server's user, and removed when the server is dropped;
//! - TCP connections authenticate by password (scram-sha-256), so the store's password paths
//!   are exercised: the role [`ROLE`] with [`PASSWORD`] owns the databases tests create; the
//!   superuser `postgres` administers through the socket (trust), for [`Postgres::psql`];
//! - startup is fast: initdb runs once (in a scratch directory like a server's; the cluster
//!   it makes is kept as a template under the target directory, which only the tests' own
//!   user reads, and copied for each server), fsync and full-page writes are off, shared
//!   buffers small; a server is up in a few tenths of a second, so each test has one of its
//!   own and tests run in parallel without sharing state. (One server per test binary would
//!   save that too but could not be stopped: Rust never drops statics, and the server would
//!   outlive the run.)
//!
//! A missing server skips the test with a message unless FLOWDECK_REQUIRE_POSTGRES=1 (set by
//! .ci/run), where it fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The role tests connect as (over TCP, by password).
pub const ROLE: &str = "flowdeck";
pub const PASSWORD: &str = "s3cret-Pa55word-for-tests";
/// The superuser's password (TCP); it administers through the socket without one.
const SUPERUSER_PASSWORD: &str = "superuser-pw-for-tests";

/// The bin directory of the newest PostgreSQL installed, if any.
pub fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Whether a server can be started; when not, a test calls this and returns early (or panics
/// when FLOWDECK_REQUIRE_POSTGRES=1, so CI cannot skip silently).
pub fn available() -> bool {
    let found = bin_dir().is_some() && (!running_as_root() || which("runuser"));
    if !found {
        if std::env::var("FLOWDECK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!(
                "PostgreSQL is required (FLOWDECK_REQUIRE_POSTGRES=1): no /usr/lib/postgresql/*/bin/initdb{}",
                if running_as_root() {
                    " or no runuser"
                } else {
                    ""
                }
            );
        }
        eprintln!(
            "skipped: PostgreSQL is not installed (apt-get install postgresql); set FLOWDECK_REQUIRE_POSTGRES=1 to fail instead"
        );
    }
    found
}

fn which(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn running_as_root() -> bool {
    own_uid() == 0
}

/// The user id the tests run as.
fn own_uid() -> u32 {
    std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid())
}

/// A free TCP port on 127.0.0.1 (bound, read, released: the server binds it right after).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// Bump when the template's initdb arguments or layout change, so an old one is not reused.
const TEMPLATE_LAYOUT: u32 = 2;

/// Where servers' directories (and initdb's scratch directory) are made: the system's
/// temporary directory when the server's user can reach it, else /tmp. As root the server runs
/// as `postgres`, which a private `TMPDIR` (or one under /root) would shut out.
fn scratch_root(as_postgres: bool) -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let temp = std::env::temp_dir();
        if !as_postgres || reachable_by_postgres(&temp) {
            temp
        } else {
            PathBuf::from("/tmp")
        }
    })
    .clone()
}

/// Whether the `postgres` user may enter `dir`: every folder on the way lets others (or
/// postgres, as owner or group) through. ACLs are not read.
fn reachable_by_postgres(dir: &Path) -> bool {
    let (uid, gid) = (id("-u", "postgres"), id("-g", "postgres"));
    dir.ancestors().all(|folder| {
        std::fs::metadata(folder).is_ok_and(|m| {
            let mode = m.mode();
            mode & 0o001 != 0
                || (m.uid() == uid && mode & 0o100 != 0)
                || (m.gid() == gid && mode & 0o010 != 0)
        })
    })
}

/// A new directory under [`scratch_root`] for the server's user, deleted when dropped.
fn scratch_dir(prefix: &str, as_postgres: bool) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(scratch_root(as_postgres))
        .expect("a directory under the temporary directory");
    if as_postgres {
        chown_to_postgres(dir.path());
    }
    dir
}

/// A fresh cluster's data directory, made by initdb once and kept under the target
/// directory's tmp (`CARGO_TARGET_TMPDIR`), keyed by the server version and the user it
/// belongs to: each server is a copy of it, which saves initdb's second or so per test.
///
/// initdb runs in a scratch directory of the server's user (the target directory may be out
/// of its reach), and the tests' own user copies its cluster into the target directory, in a
/// directory of its own renamed into place, so test binaries starting together never see half
/// of one. Copies keep the owner and the 0700 mode (`cp -a`).
fn template(bin: &Path, as_postgres: bool) -> PathBuf {
    static TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let version = Command::new(bin.join("initdb"))
                .arg("--version")
                .output()
                .expect("initdb --version");
            let version: String = String::from_utf8_lossy(&version.stdout)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let owner = if as_postgres { "postgres" } else { "self" };
            let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            std::fs::create_dir_all(&root).unwrap();
            let path = root.join(format!(
                "postgres-template-{TEMPLATE_LAYOUT}-{version}-{owner}"
            ));
            let owner_uid = if as_postgres {
                id("-u", "postgres")
            } else {
                own_uid()
            };
            match std::fs::metadata(path.join("PG_VERSION")) {
                Ok(made) if made.uid() == owner_uid => return path,
                // Made for another user (a target directory shared, or chowned): made again.
                // Another test process may be removing it too.
                Ok(_) => {
                    let _ = std::fs::remove_dir_all(&path);
                }
                Err(_) => {}
            }
            let scratch = scratch_dir("flowdeck-initdb-", as_postgres);
            let pwfile = scratch.path().join("pwfile");
            std::fs::write(&pwfile, SUPERUSER_PASSWORD).unwrap();
            if as_postgres {
                chown_to_postgres(&pwfile);
            }
            let data = scratch.path().join("data");
            let args: [&std::ffi::OsStr; 13] = [
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth-local=trust".as_ref(),
                "--auth-host=scram-sha-256".as_ref(),
                "--pwfile".as_ref(),
                pwfile.as_os_str(),
                "--no-sync".as_ref(),
                "--no-instructions".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
            ];
            let out = as_user(as_postgres, &bin.join("initdb"), scratch.path())
                .args(args)
                .output()
                .expect("run initdb");
            assert!(out.status.success(), "initdb failed: {}", text(&out));
            let building = tempfile::Builder::new()
                .prefix("postgres-template-building-")
                .tempdir_in(&root)
                .unwrap();
            copy_tree(&data, &building.path().join("data"));
            // Another test binary may have put its own in place meanwhile: then this one is
            // dropped with `building`.
            let _ = std::fs::rename(building.path().join("data"), &path);
            assert!(
                path.join("PG_VERSION").is_file(),
                "no template at {}",
                path.display()
            );
            path
        })
        .clone()
}

/// `cp -a from to`: the tree with its owners and modes.
fn copy_tree(from: &Path, to: &Path) {
    let out = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .output()
        .expect("run cp");
    assert!(
        out.status.success(),
        "cp -a {} {}: {}",
        from.display(),
        to.display(),
        text(&out)
    );
}

/// `program`, as the postgres user when the tests run as root.
fn as_user(as_postgres: bool, program: &Path, dir: &Path) -> Command {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command.current_dir(dir).stdin(Stdio::null());
    command
}

fn chown_to_postgres(path: &Path) {
    std::os::unix::fs::chown(path, Some(id("-u", "postgres")), Some(id("-g", "postgres")))
        .unwrap_or_else(|e| panic!("chown {} to postgres: {e}", path.display()));
}

/// `id -u NAME` / `id -g NAME`.
fn id(flag: &str, user: &str) -> u32 {
    let out = Command::new("id")
        .args([flag, user])
        .output()
        .expect("run id");
    assert!(out.status.success(), "no user {user}");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("numeric id")
}

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    as_postgres: bool,
    stopped: bool,
    /// The server options of the successful start, for [`Postgres::start_again`].
    options: String,
}

impl Postgres {
    /// A new cluster, started. Panics (with the server's log) when it cannot start.
    pub fn start() -> Postgres {
        Postgres::start_with(false)
    }

    /// A new cluster that also offers TLS, with a certificate for localhost and 127.0.0.1
    /// issued by a CA of its own ([`Postgres::ca_file`]), made with the `openssl` command
    /// (installed with postgresql, through ssl-cert).
    pub fn start_with_tls() -> Postgres {
        Postgres::start_with(true)
    }

    /// The PEM file of the CA that issued the server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn start_with(tls: bool) -> Postgres {
        let bin = bin_dir().expect("PostgreSQL binaries (call available() first)");
        let as_postgres = running_as_root();
        let dir = scratch_dir("flowdeck-postgres-", as_postgres);
        let data = dir.path().join("data");
        // A copy of a cluster made once.
        copy_tree(&template(&bin, as_postgres), &data);
        let mut server = Postgres {
            dir,
            bin,
            data,
            port: 0,
            as_postgres,
            // Nothing to stop until pg_ctl start succeeded.
            stopped: true,
            options: String::new(),
        };
        let tls_options = if tls {
            server.make_certificates();
            format!(
                " -c ssl=on -c ssl_cert_file={dir}/server.pem -c ssl_key_file={dir}/server.key",
                dir = server.dir.path().display()
            )
        } else {
            String::new()
        };
        // A port taken between free_port() and the server's bind: try another.
        for attempt in 0.. {
            server.port = free_port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {socket} -c fsync=off \
                 -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60 \
                 -c max_wal_senders=0 -c wal_level=minimal{tls_options}",
                port = server.port,
                socket = server.dir.path().display(),
            );
            let out = server.pg_ctl_start(&options);
            if out.status.success() {
                server.stopped = false;
                server.options = options;
                break;
            }
            assert!(
                attempt < 4,
                "pg_ctl start failed: {}\n{}",
                text(&out),
                server.log()
            );
        }
        server.psql(
            "postgres",
            &format!("CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'"),
        );
        server
    }

    /// ca.pem (a CA of its own) and server.pem/server.key (localhost and 127.0.0.1), the key
    /// readable by the server only, as it demands.
    fn make_certificates(&self) {
        let dir = self.dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .stdin(Stdio::null())
                .output()
                .expect("run openssl (installed with postgresql, through ssl-cert)");
            assert!(out.status.success(), "openssl {args:?}: {}", text(&out));
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut ca = vec![
            "req",
            "-x509",
            "-days",
            "3",
            "-subj",
            "/CN=flowdeck test CA",
        ];
        ca.extend(ec);
        ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
        openssl(&ca);
        let mut request = vec!["req", "-subj", "/CN=localhost"];
        request.extend(ec);
        request.extend(["-keyout", "server.key", "-out", "server.csr"]);
        openssl(&request);
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "3",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ]);
        let key = dir.join("server.key");
        std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        if self.as_postgres {
            for file in ["server.key", "server.pem"] {
                std::os::unix::fs::chown(dir.join(file), Some(id("-u", "postgres")), None).unwrap();
            }
        }
    }

    fn pg_ctl_start(&self, options: &str) -> Output {
        let log = self.dir.path().join("postgres.log");
        self.run_as_postgres(
            "pg_ctl",
            &[
                "-D".as_ref(),
                self.data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-w".as_ref(),
                "-t".as_ref(),
                "60".as_ref(),
                "start".as_ref(),
            ],
        )
    }

    /// Starts the server again after [`Postgres::stop`], on the same port.
    pub fn start_again(&mut self) {
        assert!(self.stopped, "the server is running");
        let out = self.pg_ctl_start(&self.options.clone());
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            text(&out),
            self.log()
        );
        self.stopped = false;
    }

    fn run_as_postgres(&self, program: &str, args: &[&std::ffi::OsStr]) -> Output {
        as_user(self.as_postgres, &self.bin.join(program), self.dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }

    /// A new, empty database owned by [`ROLE`].
    pub fn create_database(&self, name: &str) -> String {
        self.psql(
            "postgres",
            &format!("CREATE DATABASE {name} OWNER {ROLE} TEMPLATE template0"),
        );
        name.to_string()
    }

    /// The URL the store is given: the role's password in it, TLS off (the test server has
    /// none).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{ROLE}:{PASSWORD}@127.0.0.1:{}/{database}?sslmode=disable",
            self.port
        )
    }

    /// The URL without a password (it then comes from an environment variable).
    pub fn url_without_password(&self, database: &str) -> String {
        format!(
            "postgresql://{ROLE}@127.0.0.1:{}/{database}?sslmode=disable",
            self.port
        )
    }

    /// `user@host:port/database` as the store names it.
    pub fn server_name(&self, database: &str) -> String {
        format!("{ROLE}@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs SQL as the superuser through the socket; the output unaligned, tuples only
    /// (`|` between columns, a line per row). Panics on an SQL error.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let out = self.try_psql(database, sql);
        assert!(out.status.success(), "psql failed on {sql}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    pub fn try_psql(&self, database: &str, sql: &str) -> Output {
        Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(self.dir.path())
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .env_remove("PGPASSWORD")
            .stdin(Stdio::null())
            .output()
            .expect("run psql")
    }

    /// Terminates every backend whose application_name is `name` (but the one asking); how
    /// many.
    pub fn terminate(&self, application_name: &str) -> usize {
        let pids = self.psql(
            "postgres",
            &format!(
                "SELECT string_agg(pid::text, ',') FROM pg_stat_activity \
                 WHERE application_name = '{application_name}' AND pid <> pg_backend_pid()"
            ),
        );
        let pids = pids.trim();
        if pids.is_empty() {
            return 0;
        }
        let ended: usize = self
            .psql(
                "postgres",
                &format!(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE pid IN ({pids})) t"
                ),
            )
            .parse()
            .unwrap();
        // pg_terminate_backend only signals the backend: wait until those sessions are gone,
        // so the caller's next statement meets a closed connection, not one still ending.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            let left = self.psql(
                "postgres",
                &format!("SELECT count(*) FROM pg_stat_activity WHERE pid IN ({pids})"),
            );
            if left.trim() == "0" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        ended
    }

    /// Stops the server now (`-m immediate`: as a crash would).
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = self.run_as_postgres(
            "pg_ctl",
            &[
                "-D".as_ref(),
                self.data.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "-w".as_ref(),
                "stop".as_ref(),
            ],
        );
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
