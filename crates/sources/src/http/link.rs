//! Link headers (RFC 8288): every link of a field, and the rel="next" target an answer points
//! to. Malformed parts are skipped, never fatal.

use reqwest::header::{HeaderMap, LINK};
use url::Url;

/// One link of a Link header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Link {
    /// Resolved against the URL of the answer.
    pub target: Url,
    /// The relation types, lower-cased (`rel="next last"` gives two).
    pub rels: Vec<String>,
    /// All parameters, names lower-cased, values unquoted.
    pub params: Vec<(String, String)>,
}

/// Parses one Link header value. Malformed parts are skipped, never fatal.
pub(super) fn parse_link_header(value: &str, base: &Url) -> Vec<Link> {
    let mut parser = Parser {
        chars: value.chars().collect(),
        at: 0,
    };
    let mut links = Vec::new();
    loop {
        parser.skip(|c| c.is_whitespace() || c == ',');
        let Some(c) = parser.peek() else {
            break;
        };
        if c != '<' {
            parser.skip_to_next_link();
            continue;
        }
        parser.at += 1;
        let reference = parser.take_while(|c| c != '>');
        if parser.peek() != Some('>') {
            break;
        }
        parser.at += 1;
        let params = parser.params();
        parser.skip_to_next_link();
        let Ok(target) = base.join(reference.trim()) else {
            continue;
        };
        // RFC 8288 3.3: only the first rel parameter counts.
        let rels = params
            .iter()
            .find(|(name, _)| name == "rel")
            .map(|(_, value)| {
                value
                    .split_ascii_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        links.push(Link {
            target,
            rels,
            params,
        });
    }
    links
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip(&mut self, what: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&what) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, what: impl Fn(char) -> bool) -> String {
        let start = self.at;
        self.skip(what);
        self.chars[start..self.at].iter().collect()
    }

    /// `*( OWS ";" OWS name [ OWS "=" OWS ( token / quoted-string ) ] )`
    fn params(&mut self) -> Vec<(String, String)> {
        let mut params = Vec::new();
        loop {
            self.skip(char::is_whitespace);
            if self.peek() != Some(';') {
                return params;
            }
            self.at += 1;
            self.skip(char::is_whitespace);
            let name = self
                .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | ';' | ','))
                .to_ascii_lowercase();
            self.skip(char::is_whitespace);
            let mut value = String::new();
            if self.peek() == Some('=') {
                self.at += 1;
                self.skip(char::is_whitespace);
                if self.peek() == Some('"') {
                    self.at += 1;
                    while let Some(c) = self.peek() {
                        self.at += 1;
                        match c {
                            '"' => break,
                            '\\' => {
                                if let Some(escaped) = self.peek() {
                                    value.push(escaped);
                                    self.at += 1;
                                }
                            }
                            c => value.push(c),
                        }
                    }
                } else {
                    value = self.take_while(|c| !c.is_whitespace() && !matches!(c, ';' | ','));
                }
            }
            if !name.is_empty() {
                params.push((name, value));
            }
        }
    }

    /// Skips to the comma that ends the current link, minding quoted strings and <…>.
    fn skip_to_next_link(&mut self) {
        let mut quoted = false;
        let mut bracketed = false;
        while let Some(c) = self.peek() {
            match c {
                '\\' if quoted => self.at += 1,
                '"' if !bracketed => quoted = !quoted,
                '<' if !quoted => bracketed = true,
                '>' if !quoted => bracketed = false,
                ',' if !quoted && !bracketed => return,
                _ => {}
            }
            self.at += 1;
        }
    }
}

/// The rel="next" target of an answer's Link header fields.
pub(super) fn next_link(headers: &HeaderMap, base: &Url) -> Option<Url> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| parse_link_header(value, base))
        .find(|link| link.rels.iter().any(|rel| rel == "next"))
        .map(|link| link.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://api.github.com/repos/o/r/deployments?per_page=100").unwrap()
    }

    #[test]
    fn github_style_header() {
        let header = r#"<https://api.github.com/repositories/1/deployments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/deployments?per_page=100&page=5>; rel="last""#;
        let links = parse_link_header(header, &base());
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].rels, ["next"]);
        assert_eq!(links[0].target.query(), Some("per_page=100&page=2"));
        assert_eq!(links[1].rels, ["last"]);
    }

    #[test]
    fn tricky_header() {
        // prev first, params with commas and semicolons in quotes, odd spacing, several rels,
        // upper case, a relative reference, a bare token value, a second rel ignored.
        let header = concat!(
            r#"<https://x.test/a?page=1>; rel="prev"; title="a, b; c" , "#,
            r#"  </api/v4/projects/7/pipelines?page=3&per_page=20> ;REL = "Next last" ; rel=first,"#,
            r#"<https://x.test/a?page=9>;rel=last"#
        );
        let base =
            Url::parse("https://gitlab.example.com/api/v4/projects/7/pipelines?page=2").unwrap();
        let links = parse_link_header(header, &base);
        assert_eq!(links.len(), 3, "{links:?}");
        assert_eq!(
            links[0].params[1],
            ("title".to_string(), "a, b; c".to_string())
        );
        assert_eq!(links[1].rels, ["next", "last"]);
        assert_eq!(
            links[1].target.as_str(),
            "https://gitlab.example.com/api/v4/projects/7/pipelines?page=3&per_page=20"
        );
        assert_eq!(links[2].rels, ["last"]);

        let mut headers = HeaderMap::new();
        headers.insert(LINK, header.parse().unwrap());
        assert_eq!(next_link(&headers, &base), Some(links[1].target.clone()));
    }

    #[test]
    fn escapes_and_garbage() {
        let header =
            r#"garbage, <https://x.test/2>; title="say \"hi\", ok"; rel="next", <unterminated"#;
        let links = parse_link_header(header, &base());
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].params[0].1, r#"say "hi", ok"#);
        assert_eq!(links[0].rels, ["next"]);
        assert!(parse_link_header("", &base()).is_empty());
        let mut headers = HeaderMap::new();
        headers.insert(LINK, r#"<https://x.test/9>; rel="last""#.parse().unwrap());
        assert_eq!(next_link(&headers, &base()), None);
    }

    #[test]
    fn several_link_fields() {
        let mut headers = HeaderMap::new();
        headers.append(LINK, r#"<https://x.test/1>; rel="prev""#.parse().unwrap());
        headers.append(LINK, r#"<https://x.test/3>; rel="next""#.parse().unwrap());
        assert_eq!(
            next_link(&headers, &base()).unwrap().as_str(),
            "https://x.test/3"
        );
    }
}
