//! What each command does, and how its outcome becomes an exit code: 0 ok, 1 runtime failure,
//! 2 usage or config error.

use std::process::ExitCode;

mod check;
mod collect;
mod collected_git;
pub(crate) mod collector;
mod context;
mod dashboard;
pub mod derived;
mod export;
mod holders;
pub(crate) mod ingest;
pub(crate) mod live;
pub(crate) mod panels;
mod progress;
mod report;
mod serve;
mod shell;
mod validate;
mod waits;
mod window_args;
mod zero;

use crate::cli::{Cli, Command, ExportCommand};
use crate::config::{self, ConfigError};

/// Why a command failed, which decides its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The command line asks for something that cannot be done (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The config file is wrong (exit 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Something failed while running (exit 1).
    #[error("{0:#}")]
    Runtime(#[from] anyhow::Error),
}

impl CommandError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Usage(_) | CommandError::Config(_) => 2,
            CommandError::Runtime(_) => 1,
        }
    }
}

pub fn run(cli: Cli) -> ExitCode {
    // A file size limit (ulimit -f) then fails the write (EFBIG), which removes the temporary
    // file and keeps the old one, instead of killing the process mid-write.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    match dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, CommandError> {
    // `init` creates the config file, so it runs before one is loaded (a missing --config
    // file is an error for every other command).
    match &cli.command {
        Some(Command::Init) => return init(&cli),
        Some(Command::Completions(args)) => return shell::completions(args.shell),
        Some(Command::Man) => return shell::man(),
        _ => {}
    }
    if cli.command.is_some()
        && (cli.window.window.is_some() || cli.window.from.is_some() || cli.window.to.is_some())
    {
        return Err(CommandError::Usage(
            "--window, --from and --to before a command set the dashboard's window; write them after the command (flowdeck report --window 7d)".into(),
        ));
    }
    let ctx = context::Context::new(&cli)?;
    // Say what was inferred (check says it in its own lines).
    if let (Some(notes), Some(repo)) = (&ctx.inferred, &ctx.loaded.inferred_from)
        && !matches!(cli.command, Some(Command::Check))
    {
        eprintln!(
            "flowdeck: no config file; configured from the git repository {} (`flowdeck init` writes this config out):",
            repo.display()
        );
        for note in notes {
            eprintln!("  - {note}");
        }
    }
    let log = ctx.log_file.as_ref().and_then(|log| log.1.try_clone().ok());
    match &cli.command {
        Some(Command::Collect(args)) => crate::logging::init_headless(log, args.log_format),
        Some(Command::Serve(args)) => crate::logging::init_headless(log, args.log_format),
        _ => crate::logging::init(log),
    }
    match &cli.command {
        Some(Command::Report(args)) => report::run(&ctx, args),
        Some(Command::Check) => check::run(&ctx),
        Some(Command::Collect(args)) => collect::run(&ctx, args.name.as_deref()),
        Some(Command::Serve(args)) => serve::run(ctx, args),
        Some(Command::Ingest(args)) => ingest::run(&ctx, args),
        Some(Command::Export(ExportCommand::Events(args))) => export::events(&ctx, args),
        // Handled above, before any config is read.
        Some(Command::Init) => init(&cli),
        Some(Command::Completions(args)) => shell::completions(args.shell),
        Some(Command::Man) => shell::man(),
        None => dashboard::run(ctx, cli.wall, &cli.window),
    }
}

fn init(cli: &Cli) -> Result<ExitCode, CommandError> {
    use crate::config::InitError;
    use crate::report::write::{Existing, Output, OutputError};
    use std::io::Write as _;
    // The message already names the cause; as a plain message anyhow does not repeat it.
    let fail = |e: InitError| match e.is_usage() {
        true => CommandError::Usage(e.to_string()),
        false => CommandError::Runtime(anyhow::Error::msg(e.to_string())),
    };
    let starter = config::starter_for(cli.config.as_deref()).map_err(fail)?;
    let path = starter.path;
    // Inside a git repository, the config says what was detected there.
    let (text, notes) = match zero::detect_here()? {
        Some((detection, store)) => (
            crate::sources::detect::render(&detection, store.as_deref()),
            detection.notes,
        ),
        None => (starter.text, Vec::new()),
    };
    // flowdeck's own config folder (or the one --config names) is made for it.
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| {
            fail(InitError::CreateDir {
                path: path.clone(),
                dir: dir.to_path_buf(),
                source,
            })
        })?;
    }
    Output::prepare(&path, &[], Existing::Keep)
        .and_then(|output| output.write(|out| out.write_all(text.as_bytes())))
        .map_err(|e| match e {
            OutputError::Exists { .. } => fail(InitError::Exists { path: path.clone() }),
            OutputError::Io { source, .. } => fail(InitError::Write {
                path: path.clone(),
                source,
            }),
            other => CommandError::Usage(format!(
                "{}: cannot write the starter config there: {other}",
                path.display()
            )),
        })?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "wrote {}", path.display()).map_err(|e| CommandError::Runtime(e.into()))?;
    for note in notes {
        writeln!(stdout, "  - {note}").map_err(|e| CommandError::Runtime(e.into()))?;
    }
    Ok(ExitCode::SUCCESS)
}
