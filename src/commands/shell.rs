//! Shell integration: completion scripts (clap_complete) and the manual page (clap_mangen),
//! both generated from the same clap definition the binary parses, so they never drift from
//! the real options.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::CommandError;
use crate::cli::Cli;

/// `flowdeck completions SHELL`: the script on standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, CommandError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "flowdeck", &mut script);
    write_stdout(&script)
}

/// `flowdeck man`: flowdeck(1) in roff.
pub fn man() -> Result<ExitCode, CommandError> {
    write_stdout(&manual()?)
}

/// The manual: flowdeck(1), with every option and the subcommands listed.
fn manual() -> Result<Vec<u8>, CommandError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CommandError::Runtime(e.into()))?;
    Ok(page)
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode, CommandError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `flowdeck man | head` closes the pipe early: not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(CommandError::Runtime(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_names_every_subcommand() {
        let page = String::from_utf8(manual().unwrap()).unwrap();
        assert!(page.contains(".TH flowdeck 1"), "{page}");
        for sub in [
            "report",
            "check",
            "init",
            "collect",
            "serve",
            "completions",
            "man",
        ] {
            assert!(page.contains(sub), "{sub}");
        }
    }
}
