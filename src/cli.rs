//! The command line (clap): `flowdeck` (dashboard), `report`, `check`, `init`, the headless
//! `collect` and `serve`, and the shell integration (`completions`, `man`).

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::config::{HumanDuration, ReportFormat, limits};
use crate::logging::LogFormat;
use crate::model::Timestamp;

#[derive(Debug, Parser)]
#[command(
    name = "flowdeck",
    version,
    about = "Mission control for software delivery: DORA and flow measures you can explain.",
    long_about = None
)]
pub struct Cli {
    /// Config file (default: $FLOWDECK_CONFIG, else the XDG config path).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Use built-in, deterministic demo data instead of configured sources (no network).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Wall mode: large figures, rotating pages, no input needed.
    #[arg(long)]
    pub wall: bool,

    /// The dashboard's window: a length ending now, or --from and --to.
    #[command(flatten)]
    pub window: WindowArgs,

    /// Fix the clock (RFC 3339), for demo data, tests and reproducible reports.
    #[arg(long, global = true, env = "FLOWDECK_NOW", value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<Timestamp>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the measures for a window and write a snapshot report.
    Report(ReportArgs),
    /// Validate the config and probe every source; non-zero exit when anything fails.
    Check,
    /// Write a commented starter config; never overwrites.
    Init,
    /// Poll the configured sources into the store without a terminal, until SIGTERM or SIGINT.
    Collect(CollectArgs),
    /// Serve over HTTP: `--metrics ADDR` answers Prometheus scrapes at /metrics, `--ingest ADDR`
    /// takes flowdeck.events/v1 pushes and GitHub/GitLab webhooks.
    Serve(ServeArgs),
    /// Store flowdeck.events/v1 lines from FILE ("-": standard input) in one transaction; an
    /// invalid line stores nothing (exit 2).
    Ingest(IngestArgs),
    /// Write flowdeck's history in an open format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Write a shell completion script to standard output.
    Completions(CompletionsArgs),
    /// Write the manual page (roff) to standard output.
    Man,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The NDJSON file to read, or "-" for standard input (a .gz file is decompressed).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Check every line and say what would be stored; store nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The history (the store, plus what git sources read, or the demo data) as
    /// flowdeck.events/v1 lines, which `flowdeck ingest` reads back.
    Events(ExportEventsArgs),
}

#[derive(Debug, Args)]
pub struct ExportEventsArgs {
    /// First day (YYYY-MM-DD, inclusive, in the configured timezone) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,

    /// Last day (YYYY-MM-DD, inclusive) or an RFC 3339 instant (exclusive).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,

    /// Write to FILE instead of standard output ("-": standard output). A file is replaced
    /// whole or not at all.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// How log lines are written to standard error and the log file.
    #[arg(long, value_enum, default_value = "json")]
    pub log_format: LogFormat,

    /// This collector's name among the collectors sharing a PostgreSQL store, as `check`,
    /// the status lines and the logs show it (default: host:pid). Letters, digits and
    /// . - _ : @, at most 64.
    #[arg(long, value_name = "NAME", value_parser = crate::commands::collector::parse_name)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to serve the OpenMetrics / Prometheus text endpoint on, like 127.0.0.1:9464
    /// (an IP address and a port; localhost means 127.0.0.1).
    #[arg(long, value_name = "ADDR", value_parser = parse_listen_address, required_unless_present = "ingest")]
    pub metrics: Option<SocketAddr>,

    /// Address to take pushed events on (POST /v1/events) and GitHub and GitLab webhooks
    /// (POST /v1/hooks/github, /v1/hooks/gitlab); may be the same as --metrics.
    #[arg(long, value_name = "ADDR", value_parser = parse_listen_address)]
    pub ingest: Option<SocketAddr>,

    /// Window ending now, like "30d" (default: general.window).
    #[arg(long, value_name = "DURATION", value_parser = parse_window)]
    pub window: Option<HumanDuration>,

    /// How log lines are written to standard error and the log file.
    #[arg(long, value_enum, default_value = "json")]
    pub log_format: LogFormat,
}

/// `--window`, or `--from` and `--to`: read by the one window parser config and the
/// dashboard's prompt use too (`config::window`).
#[derive(Debug, Clone, Default, Args)]
pub struct WindowArgs {
    /// Window ending now, like "30d" (default: general.window).
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["from", "to"], value_parser = parse_window)]
    pub window: Option<HumanDuration>,

    /// First day (YYYY-MM-DD, inclusive, in the configured timezone) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,

    /// Last day (YYYY-MM-DD, inclusive, today at the latest) or an RFC 3339 instant
    /// (exclusive).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// Output format (default: from the -o file's extension, else json).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Write to FILE instead of standard output ("-": standard output). A file is replaced
    /// whole or not at all; a symlink is written through; a device or FIFO is written to.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Read the stored history only; do not sync the sources first.
    #[arg(long)]
    pub offline: bool,

    /// The longest the sync before the report may take, waits for rate limits and retries
    /// included, like "60s" or "5m" (at most 1h; "0s": do not wait at all). Waits are said on
    /// stderr; at the limit the report is made from the stored history, the sources not yet
    /// synced marked stale.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_max_wait)]
    pub max_wait: HumanDuration,

    /// Size of the SVG report in terminal cells (columns x rows).
    #[arg(long, value_name = "COLSxROWS", default_value = "200x60", value_parser = parse_size)]
    pub size: (u16, u16),
}

fn parse_size(text: &str) -> Result<(u16, u16), String> {
    // A number past u16 is "too large", not "not a size".
    let too_large = text.split(['x', 'X']).map(str::trim).find(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u16>().is_err()
    });
    if let Some(number) = too_large {
        return Err(format!(
            "{number} in {text:?} is too large: a size is 20x5 to 1000x500 (columns x rows)"
        ));
    }
    let bad = || format!("{text:?} is not a size like 200x60 (columns x rows, 20x5 to 1000x500)");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u16, u16) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    if !(20..=1000).contains(&w) || !(5..=500).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

fn parse_now(text: &str) -> Result<Timestamp, String> {
    let now = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time like 2026-03-01T09:00:00Z ({e})"))?;
    limits::check_instant(now, false).map_err(|out| out.sentence(&format!("{text:?}")))?;
    Ok(now)
}

/// `report --max-wait`: a duration up to [`MAX_WAIT`].
fn parse_max_wait(text: &str) -> Result<HumanDuration, String> {
    let wait: HumanDuration = text.parse().map_err(|e| format!("{e}"))?;
    if wait.as_std() > MAX_WAIT {
        return Err(format!(
            "{text:?} is too long: a report waits at most 1h for its sources (`flowdeck collect` keeps waiting)"
        ));
    }
    Ok(wait)
}

/// The longest `report --max-wait`.
pub const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(3600);

/// A window length, read as config and the dashboard's prompt read one (`config::window`).
fn parse_window(text: &str) -> Result<HumanDuration, String> {
    crate::config::window::parse_length(text).map_err(|e| e.to_string())
}

/// `IP:PORT`, `[IPv6]:PORT`, or `localhost:PORT` (127.0.0.1). Other host names are not
/// resolved: which address a name stands for is the resolver's guess, and a scrape target
/// should listen where the user says.
fn parse_listen_address(text: &str) -> Result<SocketAddr, String> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!(
            "{text:?} has no port: write an IP address and a port, like 127.0.0.1:9464"
        ));
    };
    let port: u16 = match port.parse::<u64>() {
        Ok(port) => u16::try_from(port)
            .map_err(|_| format!("port {port} is too large: ports run from 0 to 65535"))?,
        Err(_) => {
            return Err(format!(
                "{port:?} is not a port: write an IP address and a port, like 127.0.0.1:9464"
            ));
        }
    };
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return Err(format!(
            "{text:?} is not an address: write IPv6 addresses in brackets, like [::1]:9464"
        ));
    }
    Err(format!(
        "host names are not accepted ({host:?}): write an IP address, like 127.0.0.1:{port} \
         or 0.0.0.0:{port} (localhost means 127.0.0.1)"
    ))
}
