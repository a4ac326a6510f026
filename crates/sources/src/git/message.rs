//! What a commit message tells: its title and the pull (merge) request it came in through.

/// The first line of a commit message, as `git log --format=%s` would start it: leading blank
/// lines skipped, a trailing carriage return dropped.
pub(super) fn title(message: &str) -> &str {
    let message = message.trim_start_matches(['\n', '\r']);
    let line = message.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// The pull request number a commit message names, where it names one:
/// - GitHub's merge commit: a title "Merge pull request #123 from owner/branch";
/// - GitHub's squash merge: a title ending in "(#123)";
/// - GitLab's merge commit: a line "See merge request group/project!45" (or "!45" alone).
pub(super) fn pr_number(title: &str, message: &str) -> Option<u64> {
    github_merge(title)
        .or_else(|| squash_suffix(title))
        .or_else(|| gitlab_merge_request(message))
}

/// "Merge pull request #123 from …" (or the bare "Merge pull request #123").
fn github_merge(title: &str) -> Option<u64> {
    let rest = title.strip_prefix("Merge pull request #")?;
    let digits = leading_digits(rest);
    let after = &rest[digits.len()..];
    if after.is_empty() || after.starts_with(' ') {
        parse_number(digits)
    } else {
        None
    }
}

/// "Fix the cache (#123)" as GitHub writes squash merges.
fn squash_suffix(title: &str) -> Option<u64> {
    let inner = title.trim_end().strip_suffix(')')?;
    let (_, number) = inner.rsplit_once("(#")?;
    if number.bytes().all(|b| b.is_ascii_digit()) {
        parse_number(number)
    } else {
        None
    }
}

/// "See merge request group/project!45", as GitLab writes merge commits.
fn gitlab_merge_request(message: &str) -> Option<u64> {
    const MARKER: &str = "See merge request ";
    let mut rest = message;
    while let Some(pos) = rest.find(MARKER) {
        let after = &rest[pos + MARKER.len()..];
        let reference = after.split_whitespace().next().unwrap_or("");
        if let Some((_, number)) = reference.rsplit_once('!') {
            let digits = leading_digits(number);
            // A sentence may end right after the reference: "… group/project!45."
            let trailer = &number[digits.len()..];
            if trailer.chars().all(|c| c.is_ascii_punctuation())
                && let Some(n) = parse_number(digits)
            {
                return Some(n);
            }
        }
        rest = after;
    }
    None
}

fn leading_digits(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    &text[..end]
}

/// A positive decimal number (PR numbers start at 1).
fn parse_number(digits: &str) -> Option<u64> {
    digits.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr(message: &str) -> Option<u64> {
        pr_number(title(message), message)
    }

    #[test]
    fn title_is_the_first_line() {
        assert_eq!(title("Add cache\n\nLonger text.\n"), "Add cache");
        assert_eq!(title("Add cache\r\nmore"), "Add cache");
        assert_eq!(title("\n\nAdd cache"), "Add cache");
        assert_eq!(title("Add cache"), "Add cache");
        assert_eq!(title(""), "");
    }

    #[test]
    fn github_merge_commits() {
        assert_eq!(
            pr("Merge pull request #123 from acme/feature-x\n\nAdd x"),
            Some(123)
        );
        assert_eq!(pr("Merge pull request #7"), Some(7));
        assert_eq!(pr("Merge pull request #12a from x"), None);
        assert_eq!(pr("Merge pull request # from x"), None);
        assert_eq!(pr("Merge branch 'main' into feature"), None);
    }

    #[test]
    fn github_squash_titles() {
        assert_eq!(pr("Fix the cache (#123)\n\n* wip\n* more"), Some(123));
        assert_eq!(pr("Fix the cache (#123) "), Some(123));
        assert_eq!(pr("Revert \"Fix the cache (#12)\" (#13)"), Some(13));
        assert_eq!(pr("Fix the cache (#12x)"), None);
        assert_eq!(pr("Fix the cache (#)"), None);
        assert_eq!(pr("Fix the cache (see #123)"), None);
        assert_eq!(pr("Fix (#0)"), None);
        // Only the title counts: a "(#5)" in the body is a mention, not the squash suffix.
        assert_eq!(pr("Fix the cache\n\nFollow-up to (#5)"), None);
    }

    #[test]
    fn gitlab_merge_requests() {
        let message =
            "Merge branch 'feature' into 'main'\n\nAdd x\n\nSee merge request group/proj!45";
        assert_eq!(pr(message), Some(45));
        assert_eq!(pr("Merge\n\nSee merge request group/sub/proj!9\n"), Some(9));
        assert_eq!(pr("Merge\n\nSee merge request !8."), Some(8));
        assert_eq!(pr("Merge\n\nSee merge request group/proj"), None);
        assert_eq!(pr("Merge\n\nSee merge request group/proj!x"), None);
    }

    #[test]
    fn the_title_wins_over_the_body() {
        assert_eq!(
            pr("Merge pull request #3 from a/b\n\nSee merge request g/p!4"),
            Some(3)
        );
    }

    #[test]
    fn huge_numbers_are_not_numbers() {
        assert_eq!(pr("Fix (#99999999999999999999999)"), None);
    }
}
