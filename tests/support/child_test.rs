//! One test of the running test binary, run again alone in a child process: for what must
//! happen in a process of its own (killed half-way, its resident memory measured, its
//! environment set). The test finds itself by name, module path included, since a binary
//! holds many modules' tests.

use std::process::Command;

/// The command running `test`, a test of the module `module` (the caller's `module_path!()`),
/// alone in a child process of this binary, with its output not captured.
pub fn command(module: &str, test: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([
        name(module, test).as_str(),
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ]);
    command
}

/// The test's name as the harness filters it: the module path without the crate's name.
pub fn name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{test}"),
        None => test.to_string(),
    }
}
