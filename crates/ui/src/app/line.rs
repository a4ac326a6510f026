//! A one-line text field that edits like a shell's: a cursor, Ctrl-U, Ctrl-W, Ctrl-K, Home and
//! End, and a history of what was entered. After a refusal the text is kept but marked: the
//! next character typed replaces it, so a retry never lands at the end of rejected text.

/// The longest text a prompt takes; more is ignored.
pub(crate) const MAX_CHARS: usize = 200;

/// How many entries a prompt's history keeps.
pub(crate) const HISTORY: usize = 50;

/// An editing key in a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Backspace: the character before the cursor.
    DeleteBack,
    /// Delete: the character under the cursor.
    DeleteForward,
    Left,
    Right,
    /// Home, Ctrl-A.
    Start,
    /// End, Ctrl-E.
    End,
    /// Ctrl-U: everything before the cursor.
    KillToStart,
    /// Ctrl-K: everything from the cursor on.
    KillToEnd,
    /// Ctrl-W: the word before the cursor (and the spaces after it).
    KillWord,
    /// Up: the previous entry of the history.
    Older,
    /// Down: the next entry, then what was being typed.
    Newer,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Line {
    chars: Vec<char>,
    /// The cursor, in characters from the start.
    cursor: usize,
    /// The text was refused: the next character typed replaces it.
    replace: bool,
    /// Where in the history Up has gone (None: the text being typed), and that text.
    browsing: Option<(usize, String)>,
}

impl Line {
    pub(crate) fn new(text: &str) -> Line {
        let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
        Line {
            cursor: chars.len(),
            chars,
            ..Line::default()
        }
    }

    pub(crate) fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The text before and after the cursor, for drawing it.
    pub(crate) fn split(&self) -> (String, String) {
        (
            self.chars[..self.cursor].iter().collect(),
            self.chars[self.cursor..].iter().collect(),
        )
    }

    /// Marks the text as refused: kept on screen, replaced by the next character typed.
    pub(crate) fn refuse(&mut self) {
        self.replace = true;
    }

    pub(crate) fn refused(&self) -> bool {
        self.replace
    }

    /// A printable character typed; control characters never reach the text.
    pub(crate) fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        if self.replace {
            self.chars.clear();
            self.cursor = 0;
            self.replace = false;
        }
        if self.chars.len() >= MAX_CHARS {
            return;
        }
        self.chars.insert(self.cursor, c);
        self.cursor += 1;
        self.browsing = None;
    }

    /// Applies an editing key; `history` is the prompt's, oldest first.
    pub(crate) fn edit(&mut self, edit: Edit, history: &[String]) {
        self.replace = false;
        match edit {
            Edit::DeleteBack => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    self.chars.remove(self.cursor);
                }
            }
            Edit::DeleteForward => {
                if self.cursor < self.chars.len() {
                    self.chars.remove(self.cursor);
                }
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = self.chars.len(),
            Edit::KillToStart => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            Edit::KillToEnd => self.chars.truncate(self.cursor),
            Edit::KillWord => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            Edit::Older => self.browse(history, true),
            Edit::Newer => self.browse(history, false),
        }
    }

    fn browse(&mut self, history: &[String], older: bool) {
        let (index, typed) = match self.browsing.take() {
            Some((index, typed)) => (Some(index), typed),
            None => (None, self.text()),
        };
        let next = match (index, older) {
            (None, true) => history.len().checked_sub(1),
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) => (i + 1 < history.len()).then_some(i + 1),
        };
        let shown = match next {
            Some(i) => history.get(i).cloned().unwrap_or_default(),
            None => typed.clone(),
        };
        *self = Line::new(&shown);
        self.browsing = next.map(|i| (i, typed));
    }
}

/// Adds `entry` to a history, newest last, without repeating the newest.
pub(crate) fn remember(history: &mut Vec<String>, entry: &str) {
    let entry = entry.trim();
    if entry.is_empty() || history.last().is_some_and(|last| last == entry) {
        return;
    }
    history.push(entry.to_string());
    if history.len() > HISTORY {
        history.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Line {
        let mut line = Line::default();
        for c in text.chars() {
            line.insert(c);
        }
        line
    }

    #[test]
    fn edits_like_a_shell_line() {
        let mut line = typed("2026-11-01..2026-11-14");
        line.edit(Edit::KillWord, &[]);
        assert_eq!(line.text(), "");
        let mut line = typed("last 14d");
        line.edit(Edit::KillWord, &[]);
        assert_eq!(line.text(), "last ");
        line.edit(Edit::Start, &[]);
        line.insert('>');
        assert_eq!(line.text(), ">last ");
        line.edit(Edit::Right, &[]);
        line.edit(Edit::KillToStart, &[]);
        assert_eq!(line.text(), "ast ");
        line.edit(Edit::KillToEnd, &[]);
        assert_eq!(line.text(), "");
        let mut line = typed("abc");
        line.edit(Edit::Left, &[]);
        line.edit(Edit::DeleteBack, &[]);
        line.edit(Edit::DeleteForward, &[]);
        assert_eq!(line.text(), "a");
    }

    #[test]
    fn refused_text_is_replaced_by_the_next_character() {
        let mut line = typed("banana");
        line.refuse();
        for c in "14d".chars() {
            line.insert(c);
        }
        assert_eq!(line.text(), "14d");
        // An edit keeps it instead.
        let mut line = typed("banana");
        line.refuse();
        line.edit(Edit::DeleteBack, &[]);
        line.insert('s');
        assert_eq!(line.text(), "banans");
    }

    #[test]
    fn up_and_down_walk_the_history_and_back_to_what_was_typed() {
        let history = vec!["7d".to_string(), "2026-11-01..2026-11-14".to_string()];
        let mut line = typed("9");
        line.edit(Edit::Older, &history);
        assert_eq!(line.text(), "2026-11-01..2026-11-14");
        line.edit(Edit::Older, &history);
        assert_eq!(line.text(), "7d");
        line.edit(Edit::Older, &history);
        assert_eq!(line.text(), "7d");
        line.edit(Edit::Newer, &history);
        line.edit(Edit::Newer, &history);
        assert_eq!(line.text(), "9");
    }

    #[test]
    fn control_characters_and_floods_never_get_in() {
        let mut line = typed("a\u{1b}[2J\u{7}b");
        assert_eq!(line.text(), "a[2Jb");
        for _ in 0..500 {
            line.insert('x');
        }
        assert_eq!(line.text().chars().count(), MAX_CHARS);
    }

    #[test]
    fn the_history_keeps_the_newest_without_repeats() {
        let mut history = Vec::new();
        for i in 0..60 {
            remember(&mut history, &format!("{i}d"));
            remember(&mut history, &format!("{i}d"));
        }
        remember(&mut history, "  ");
        assert_eq!(history.len(), HISTORY);
        assert_eq!(history.last().map(String::as_str), Some("59d"));
    }
}
