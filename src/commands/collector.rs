//! Who this process is among the collectors sharing a store (docs/ARCHITECTURE.md#collectors-that-fail-over):
//! `collect --name`, else `host:pid`. The name is what `check`, the status lines and the log
//! lines show; the leases themselves go by a token no other process has.

use crate::poller;
use crate::store::Member;

/// The longest `--name`.
pub const MAX_NAME: usize = 64;

/// This process as a member of the collectors: `name`, else `host:pid`.
pub fn member(name: Option<&str>) -> Member {
    match name {
        Some(name) => poller::member(name),
        None => poller::member(&default_name()),
    }
}

/// `host:pid`, the host name as the kernel knows it (cut to what a name may hold).
fn default_name() -> String {
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .chars()
        .filter(|c| allowed(*c))
        .take(MAX_NAME - 8)
        .collect::<String>();
    let host = if host.is_empty() {
        "localhost".into()
    } else {
        host
    };
    format!("{host}:{}", std::process::id())
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '@')
}

/// `--name`: 1 to [`MAX_NAME`] letters, digits and `. - _ : @`, so it reads the same in a
/// log line, `check` and a terminal.
pub fn parse_name(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("a collector's name cannot be empty".into());
    }
    if text.chars().count() > MAX_NAME {
        return Err(format!(
            "a collector's name is at most {MAX_NAME} characters (this one has {})",
            text.chars().count()
        ));
    }
    if let Some(bad) = text.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "{bad:?} cannot be in a collector's name: use letters, digits and . - _ : @"
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_is_host_and_pid() {
        let name = default_name();
        assert!(
            name.ends_with(&format!(":{}", std::process::id())),
            "{name}"
        );
        assert!(parse_name(&name).is_ok(), "{name}");
    }

    #[test]
    fn careless_and_hostile_names_are_refused_with_a_reason() {
        assert!(parse_name("").is_err());
        assert!(parse_name(&"a".repeat(65)).is_err());
        assert!(parse_name("a b").is_err());
        assert!(parse_name("evil\u{1b}[31m").is_err());
        assert!(parse_name("collector-1.eu:7").is_ok());
    }
}
