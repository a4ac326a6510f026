//! What each command does, and how its outcome becomes an exit code: 0 ok, 1 runtime failure,
//! 2 usage or config error.

use std::process::ExitCode;

mod check;
mod collect;
mod context;
mod dashboard;
mod live;
mod panels;
mod report;
mod serve;
mod shell;
mod validate;
mod window_args;

use crate::cli::{Cli, Command};
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
    let ctx = context::Context::new(&cli)?;
    let log = ctx.log_file.as_ref().and_then(|log| log.1.try_clone().ok());
    match &cli.command {
        Some(Command::Collect(args)) => crate::logging::init_headless(log, args.log_format),
        Some(Command::Serve(args)) => crate::logging::init_headless(log, args.log_format),
        _ => crate::logging::init(log),
    }
    match &cli.command {
        Some(Command::Report(args)) => report::run(&ctx, args),
        Some(Command::Check) => check::run(&ctx),
        Some(Command::Collect(_)) => collect::run(&ctx),
        Some(Command::Serve(args)) => serve::run(ctx, args),
        // Handled above, before any config is read.
        Some(Command::Init) => init(&cli),
        Some(Command::Completions(args)) => shell::completions(args.shell),
        Some(Command::Man) => shell::man(),
        None => dashboard::run(ctx, cli.wall),
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
        .and_then(|output| output.write(|out| out.write_all(starter.text.as_bytes())))
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
    writeln!(std::io::stdout(), "wrote {}", path.display())
        .map_err(|e| CommandError::Runtime(e.into()))?;
    Ok(ExitCode::SUCCESS)
}
