//! What each command does, and how its outcome becomes an exit code: 0 ok, 1 runtime failure,
//! 2 usage or config error.

use std::process::ExitCode;

mod check;
mod collect;
mod context;
mod dashboard;
mod live;
mod report;
mod serve;
mod shell;
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
    let (config, base_dir) = (&ctx.loaded.config, &ctx.loaded.base_dir);
    match &cli.command {
        Some(Command::Collect(args)) => {
            crate::logging::init_headless(config, base_dir, args.log_format)
        }
        Some(Command::Serve(args)) => {
            crate::logging::init_headless(config, base_dir, args.log_format)
        }
        _ => crate::logging::init(config, base_dir),
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
    use std::io::Write as _;
    // The message already names the cause; as a plain message anyhow does not repeat it.
    let path = config::init(cli.config.as_deref()).map_err(|e| match e.is_usage() {
        true => CommandError::Usage(e.to_string()),
        false => CommandError::Runtime(anyhow::Error::msg(e.to_string())),
    })?;
    writeln!(std::io::stdout(), "wrote {}", path.display())
        .map_err(|e| CommandError::Runtime(e.into()))?;
    Ok(ExitCode::SUCCESS)
}

/// The theme the config asks for: a built-in or user theme, patched by `[theme]`, NO_COLOR
/// respected. A theme that cannot be loaded is a config error (exit 2).
fn load_theme(ctx: &context::Context) -> Result<crate::ui::theme::Theme, CommandError> {
    let config = &ctx.loaded.config;
    let user_dir = config::theme::user_theme_dir(ctx.loaded.path.as_deref());
    crate::ui::theme::Theme::from_env(&config.general.theme, &config.theme, user_dir.as_deref())
        .map_err(|e| CommandError::Usage(e.to_string()))
}
