use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match flowdeck::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A usage error quotes what was typed: made inert line by line, so a value holding
        // escape sequences cannot drive the terminal it is shown on.
        Err(error) if error.use_stderr() => {
            let text = error.to_string();
            let lines: Vec<String> = text.lines().map(flowdeck::text::sanitize).collect();
            eprintln!("{}", lines.join("\n"));
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
        // --help and --version.
        Err(error) => error.exit(),
    };
    flowdeck::commands::run(cli)
}
