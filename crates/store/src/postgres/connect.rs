//! The connection settings: the URL as written in `[general] store` (libpq's URI form,
//! `postgres://` or `postgresql://`, with `user:password@`, several hosts, and query
//! parameters such as `?sslmode=`), the password when the URL has none, TLS, and connecting.
//!
//! - Password: the URL's, else the variable `[general] store_password_env` names (which must
//!   then be set), else `PGPASSWORD`, else none (trust or peer authentication).
//! - TLS through rustls, certificates verified against the platform's roots (no OpenSSL;
//!   on Linux the system bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`): `sslmode=disable`
//!   never, `prefer` (the default) when the server offers it, `require` always. Whenever TLS
//!   is used the certificate and host name are verified, so an untrusted certificate fails
//!   even under `prefer` (libpq's `prefer` and `require` would not check it; it never falls
//!   back to plain text here). libpq's `verify-ca` and `verify-full` are taken as `require`.
//! - Every session waits at most [`LOCK_TIMEOUT`] for a lock (`Locked` after that).
//! - No host: the Unix socket in /var/run/postgresql when that folder exists (as libpq on
//!   Debian), else localhost. No user: the operating-system user, as libpq.
//!
//! The password is never printed: settings are named by [`Settings::server`], which is
//! `user@host:port/database`.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::{Client, Config, NoTls};

use super::driver::Driver;
use super::errors::{cause, connect_error};
use crate::StoreError;

/// The variable libpq reads a password from.
pub const PGPASSWORD: &str = "PGPASSWORD";

/// How long connecting may take before it is given up (as libpq's `connect_timeout`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connecting and logging in may take altogether.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a statement waits for a lock another session holds (another collector's sync of
/// the same events, a schema migration, an administrator's LOCK TABLE) before it fails as
/// `Locked`, to be retried by the next poll. A sync holds its locks for as long as it takes to
/// write, seconds for the largest first syncs. The URL's `options=-c lock_timeout=…` wins.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// What the store needs besides the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The environment variable holding the password (`[general] store_password_env`), read
    /// when the URL has none; unset: `PGPASSWORD`.
    pub password_env: Option<String>,
}

/// Parsed settings, ready to connect (again, after a dropped connection).
#[derive(Clone)]
pub(crate) struct Settings {
    config: Config,
    server: String,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the config: it holds the password.
        f.debug_struct("Settings")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// Whether `url` is a connection URL this store can use; why not, in words that never
/// repeat the URL (it may hold a password).
pub fn check_url(url: &str) -> Result<(), String> {
    parse_url(url).map(|_| ())
}

/// `user@host:port/database` of a connection URL, for messages (never its password); None
/// when it does not parse.
pub fn server_label(url: &str) -> Option<String> {
    parse_url(url).ok().map(|config| server_name(&config))
}

fn parse_url(url: &str) -> Result<Config, String> {
    Config::from_str(&libpq_compatible(url.trim())).map_err(|e| format!("{e}{}", cause(&e)))
}

impl Settings {
    /// Reads `url` and finds the password. Errors name the server, never the password.
    pub(crate) fn parse(url: &str, options: &ConnectOptions) -> Result<Settings, StoreError> {
        let mut config = parse_url(url).map_err(|why| StoreError::Open {
            path: "postgres://…".into(),
            detail: format!(
                "the URL in [general] store is not a PostgreSQL connection URL ({why})"
            ),
        })?;
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            let socket_dir = std::path::Path::new("/var/run/postgresql");
            if socket_dir.is_dir() {
                config.host_path(socket_dir);
            } else {
                config.host("localhost");
            }
        }
        if config.get_user().is_none()
            && let Ok(user) = std::env::var("USER").or_else(|_| std::env::var("LOGNAME"))
        {
            config.user(user);
        }
        let server = server_name(&config);
        if config.get_password().is_none()
            && let Some(password) = password(options, &server)?
        {
            config.password(password.expose_secret());
        }
        // Ours first: the URL's own options come after, and a setting given twice keeps the
        // last value.
        let options = match config.get_options() {
            Some(theirs) => format!("-c lock_timeout={}s {theirs}", LOCK_TIMEOUT.as_secs()),
            None => format!("-c lock_timeout={}s", LOCK_TIMEOUT.as_secs()),
        };
        config
            .options(options)
            .application_name("flowdeck")
            .connect_timeout(CONNECT_TIMEOUT)
            // A server that vanishes without closing the socket is noticed within about a
            // minute instead of a call blocking until the operating system gives up.
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30))
            .keepalives_interval(Duration::from_secs(10))
            .keepalives_retries(3)
            .tcp_user_timeout(Duration::from_secs(60));
        let tls = match config.get_ssl_mode() {
            SslMode::Disable => None,
            _ => Some(tls_config(&server)?),
        };
        Ok(Settings {
            config,
            server,
            tls,
        })
    }

    /// `user@host:port/database`, for messages.
    pub(crate) fn server(&self) -> &str {
        &self.server
    }

    /// Opens a connection, its `Connection` half running on `driver` until it closes. `role`
    /// is added to the application name (`flowdeck listen`), so a server administrator can
    /// tell the connections apart. The client comes back with a receiver of what the
    /// connection hears asynchronously (notifications), if `notifications` is given.
    pub(crate) fn connect(
        &self,
        driver: &Driver,
        role: Option<&str>,
        notifications: Option<std::sync::mpsc::Sender<tokio_postgres::Notification>>,
    ) -> Result<Client, StoreError> {
        let mut config = self.config.clone();
        if let Some(role) = role {
            config.application_name(format!("flowdeck {role}"));
        }
        let tls = self.tls.clone();
        let server = self.server.clone();
        let connecting = async move {
            match tls {
                None => {
                    let (client, connection) = config.connect(NoTls).await?;
                    tokio::spawn(drive(connection, notifications, server));
                    Ok(client)
                }
                Some(tls) => {
                    let tls = tokio_postgres_rustls::MakeRustlsConnect::new((*tls).clone());
                    let (client, connection) = config.connect(tls).await?;
                    tokio::spawn(drive(connection, notifications, server));
                    Ok(client)
                }
            }
        };
        // connect_timeout covers the TCP connect; this also covers a server that accepts and
        // then never answers the startup.
        // (The timer is made inside the task: it needs the driver's runtime.)
        let connected =
            driver.run(async move { tokio::time::timeout(LOGIN_TIMEOUT, connecting).await });
        let unreachable = |detail: String| StoreError::Unreachable {
            server: self.server.clone(),
            detail,
        };
        match connected {
            Some(Ok(Ok(client))) => Ok(client),
            Some(Ok(Err(e))) => Err(connect_error(&self.server, &e)),
            Some(Err(_)) => Err(unreachable(format!(
                "no answer within {} s",
                LOGIN_TIMEOUT.as_secs()
            ))),
            None => Err(unreachable("the PostgreSQL client thread stopped".into())),
        }
    }
}

/// Polls a connection until it closes, handing notifications to `notifications` (and
/// stopping when nobody listens any more). The end of this task drops the sender, which is
/// how a change feed learns that its connection is gone.
async fn drive<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    notifications: Option<std::sync::mpsc::Sender<tokio_postgres::Notification>>,
    server: String,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                if let Some(tx) = &notifications
                    && tx.send(n).is_err()
                {
                    return;
                }
            }
            // Notices (warnings from the server) and message kinds added later.
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::warn!(%server, error = %e, "the connection to the history server ended");
                return;
            }
            None => return,
        }
    }
}

/// libpq words tokio-postgres does not know, turned into the ones it does: the scheme in
/// lower case (`store` accepts `POSTGRES://`), `sslmode` `verify-ca` / `verify-full` as
/// `require` (rustls verifies the certificate and the host name whenever TLS is used).
/// Everything else is passed on as written.
fn libpq_compatible(url: &str) -> String {
    let url = match url.split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.to_ascii_lowercase()),
        None => url.to_string(),
    };
    let Some((base, query)) = url.split_once('?') else {
        return url;
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("sslmode", "verify-ca" | "verify-full")) => "sslmode=require".to_string(),
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// The password when the URL has none.
fn password(options: &ConnectOptions, server: &str) -> Result<Option<SecretString>, StoreError> {
    let read = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(SecretString::from)
    };
    match options.password_env.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => match read(name) {
            Some(password) => Ok(Some(password)),
            None => Err(StoreError::Open {
                path: server.into(),
                detail: format!(
                    "[general] store_password_env names the variable {name}, which is not set"
                ),
            }),
        },
        _ => Ok(read(PGPASSWORD)),
    }
}

/// `user@host:port/database` (hosts joined by commas; a Unix socket by its folder).
fn server_name(config: &Config) -> String {
    let user = config.get_user().unwrap_or("?");
    let ports = config.get_ports();
    let port = |i: usize| {
        ports
            .get(i)
            .or_else(|| ports.first())
            .copied()
            .unwrap_or(5432)
    };
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| match host {
            Host::Tcp(name) if name.contains(':') => format!("[{name}]:{}", port(i)),
            Host::Tcp(name) => format!("{name}:{}", port(i)),
            Host::Unix(dir) => format!("{}:{}", dir.display(), port(i)),
        })
        .collect();
    if hosts.is_empty() {
        hosts = config
            .get_hostaddrs()
            .iter()
            .enumerate()
            .map(|(i, addr)| format!("{addr}:{}", port(i)))
            .collect();
    }
    let database = config.get_dbname().unwrap_or(user);
    format!("{user}@{}/{database}", hosts.join(","))
}

/// rustls with the ring provider and the platform's certificate verifier.
fn tls_config(server: &str) -> Result<Arc<rustls::ClientConfig>, StoreError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map(|builder| Arc::new(builder.with_no_client_auth()))
        .map_err(|e| StoreError::Open {
            path: server.into(),
            detail: format!("TLS cannot be set up: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> Settings {
        Settings::parse(url, &ConnectOptions::default()).unwrap()
    }

    #[test]
    fn the_server_is_named_without_the_password() {
        let s = settings("postgres://ana:hunter2@db.example:6432/flowdeck?sslmode=disable");
        assert_eq!(s.server(), "ana@db.example:6432/flowdeck");
        assert!(!format!("{s:?}").contains("hunter2"));
        let s = settings("postgresql://ana@h1:5433,h2/fd?sslmode=disable");
        // Each host its own port, 5432 where none is written (as libpq).
        assert_eq!(s.server(), "ana@h1:5433,h2:5432/fd");
        let s = settings("postgres://ana@[::1]/fd?sslmode=disable");
        assert_eq!(s.server(), "ana@[::1]:5432/fd");
        // No database: the user's name, as libpq.
        let s = settings("postgres://ana@db?sslmode=disable");
        assert_eq!(s.server(), "ana@db:5432/ana");
    }

    #[test]
    fn libpq_verify_modes_mean_require() {
        assert_eq!(
            libpq_compatible("postgres://h/db?sslmode=verify-full&application_name=x"),
            "postgres://h/db?sslmode=require&application_name=x"
        );
        assert_eq!(libpq_compatible("postgres://h/db"), "postgres://h/db");
        assert_eq!(libpq_compatible("PostgreSQL://h/db"), "postgresql://h/db");
        let s = settings("postgres://ana@h/db?sslmode=verify-ca");
        assert_eq!(s.config.get_ssl_mode(), SslMode::Require);
        assert!(s.tls.is_some());
        assert!(
            settings("postgres://ana@h/db?sslmode=disable")
                .tls
                .is_none()
        );
    }

    #[test]
    fn a_bad_url_is_an_open_error_without_the_password() {
        let e = Settings::parse(
            "postgres://ana:hunter2@h/db?sslmode=sometimes",
            &ConnectOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(e, StoreError::Open { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("sslmode"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn a_named_password_variable_must_be_set() {
        let options = ConnectOptions {
            password_env: Some("FLOWDECK_TEST_SURELY_UNSET_PASSWORD".into()),
        };
        let e = Settings::parse("postgres://ana@h/db?sslmode=disable", &options).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot open the history database ana@h:5432/db: [general] store_password_env names \
             the variable FLOWDECK_TEST_SURELY_UNSET_PASSWORD, which is not set"
        );
        // The URL's password wins: the variable is not needed.
        assert!(Settings::parse("postgres://ana:pw@h/db?sslmode=disable", &options).is_ok());
    }
}
