use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = flowdeck::cli::Cli::parse();
    flowdeck::commands::run(cli)
}
