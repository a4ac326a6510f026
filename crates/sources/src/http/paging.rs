//! Link-header paging (RFC 8288): parse every link, follow rel="next".
//!
//! Next links are followed only within the origin (scheme, host and port) of the request's
//! credentials: the client refuses any other (`HttpError::OtherHost`). A link back to a page
//! already fetched ends the walk (a server bug must not loop forever).

use std::collections::HashSet;
use std::marker::PhantomData;

use reqwest::header::{HeaderMap, LINK};
use serde::de::DeserializeOwned;
use url::Url;

use super::client::HttpClient;
use super::error::{Endpoint, HttpError, clean_detail};
use super::request::{Request, Response};

/// One link of a Link header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Resolved against the URL of the answer.
    pub target: Url,
    /// The relation types, lower-cased (`rel="next last"` gives two).
    pub rels: Vec<String>,
    /// All parameters, names lower-cased, values unquoted.
    pub params: Vec<(String, String)>,
}

/// Parses one Link header value. Malformed parts are skipped, never fatal.
pub fn parse_link_header(value: &str, base: &Url) -> Vec<Link> {
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
pub fn next_link(headers: &HeaderMap, base: &Url) -> Option<Url> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| parse_link_header(value, base))
        .find(|link| link.rels.iter().any(|rel| rel == "next"))
        .map(|link| link.target)
}

/// Pages of a list, fetched one at a time so a source can stop early (e.g. once it reaches
/// items older than its watermark). Each page is a conditional request of its own.
#[derive(Debug)]
pub struct Pager<P> {
    client: HttpClient,
    next: Option<Request>,
    visited: HashSet<String>,
    pages_left: usize,
    _page: PhantomData<fn() -> P>,
}

impl<P: DeserializeOwned> Pager<P> {
    /// The next page, or `None` when the list (or `max_pages`) is done.
    pub async fn next_page(&mut self) -> Result<Option<Response<P>>, HttpError> {
        if self.pages_left == 0 {
            return Ok(None);
        }
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        self.visited.insert(request.url.to_string());
        let response: Response<P> = self.client.get_json(&request).await?;
        self.pages_left -= 1;
        // The client refuses a next link to another origin, so `next` is on the first page's.
        if let Some(next) = &response.next {
            if self.visited.contains(next.as_str()) {
                tracing::warn!(endpoint = %Endpoint::of(next), "next-page link points back to a page already fetched; stopping");
            } else {
                self.next = Some(request.with_url(next.clone()));
            }
        }
        Ok(Some(response))
    }

    /// The page `next_page` would fetch; after `max_pages`, where the list goes on.
    pub fn pending(&self) -> Option<&Url> {
        self.next.as_ref().map(|request| &request.url)
    }
}

impl HttpClient {
    /// Pages starting at `first`, at most `max_pages` of them.
    pub fn pages<P: DeserializeOwned>(&self, first: Request, max_pages: usize) -> Pager<P> {
        Pager {
            client: self.clone(),
            next: Some(first),
            visited: HashSet::new(),
            pages_left: max_pages,
            _page: PhantomData,
        }
    }

    /// Every page of a JSON array list (GitLab, most of GitHub), following Link rel="next", up
    /// to `max_pages`. When the limit cut the list short, the last page's `next` is `Some`.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        first: Request,
        max_pages: usize,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError> {
        self.get_all_with(first, max_pages, |items: Vec<T>| items)
            .await
    }

    /// Every page of a list wrapped in an object, the items taken out by `extract`:
    /// `get_all_with(req, 10, |page: WorkflowRuns| page.workflow_runs)`.
    pub async fn get_all_with<P, T, F>(
        &self,
        first: Request,
        max_pages: usize,
        mut extract: F,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError>
    where
        P: DeserializeOwned,
        F: FnMut(P) -> Vec<T>,
    {
        let mut pager = self.pages::<P>(first, max_pages);
        let mut pages = Vec::new();
        while let Some(page) = pager.next_page().await? {
            pages.push(page.map(&mut extract));
        }
        Ok(pages)
    }

    /// Every page of a GitHub-style wrapped list, `{"total_count": n, "<field>": [...]}`, without
    /// declaring the wrapper: `get_all_in(req, 10, "workflow_runs")`.
    pub async fn get_all_in<T: DeserializeOwned>(
        &self,
        first: Request,
        max_pages: usize,
        field: &str,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError> {
        let mut pager = self.pages::<serde_json::Value>(first, max_pages);
        let mut pages = Vec::new();
        while let Some(url) = pager.pending().cloned() {
            let Some(mut page) = pager.next_page().await? else {
                break;
            };
            let malformed = |detail: String| HttpError::Malformed {
                endpoint: Endpoint::of(&url),
                detail,
            };
            let field_name = clean_detail(field, 40);
            let items = match page.body.get_mut(field).map(serde_json::Value::take) {
                Some(items) => serde_json::from_value::<Vec<T>>(items).map_err(|err| {
                    malformed(format!(
                        "in `{field_name}`: {}",
                        super::error::json_detail(&err)
                    ))
                })?,
                None => return Err(malformed(format!("no `{field_name}` list in the answer"))),
            };
            pages.push(page.map(|_| items));
        }
        Ok(pages)
    }
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
