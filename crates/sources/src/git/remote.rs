//! A remote's URL read into its parts (credentials dropped), and the web page of a tag derived
//! (best effort) from the URL of the remote "origin".

/// A remote URL's parts, in any of the forms git accepts: `https://[user[:secret]@]host[:port]/path`,
/// `ssh://git@host[:port]/path`, `git://host/path`, or scp-like `git@host:path`. Credentials
/// are dropped while reading, never kept. Local paths and `file://` give None.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteUrl {
    /// Lower case: `https`, `http`, `ssh` (scp-like too), `git`.
    pub(crate) scheme: String,
    /// Lower case, without brackets around an IPv6 address.
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    /// Without surrounding slashes and without a trailing `.git`.
    pub(crate) path: String,
}

impl RemoteUrl {
    pub(crate) fn parse(url: &str) -> Option<RemoteUrl> {
        let url = url.trim();
        let (scheme, authority, path) = match url.split_once("://") {
            Some((scheme, rest)) => {
                let scheme = match scheme.to_ascii_lowercase().as_str() {
                    "https" => "https",
                    "http" => "http",
                    "ssh" | "git+ssh" | "ssh+git" => "ssh",
                    "git" => "git",
                    _ => return None,
                };
                let (authority, path) = rest.split_once('/')?;
                (scheme, authority, path)
            }
            None => {
                // scp-like: [user@]host:path, where the host part holds no slash.
                let (authority, path) = url.split_once(':')?;
                if authority.contains('/') || authority.is_empty() {
                    return None;
                }
                ("ssh", authority, path)
            }
        };
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, port))
                if !port.is_empty()
                    && port.bytes().all(|b| b.is_ascii_digit())
                    && (!h.starts_with('[') || h.ends_with(']')) =>
            {
                (h, port.parse().ok())
            }
            _ => (host_port, None),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            return None;
        }
        let path = path.trim_matches('/');
        let path = path
            .strip_suffix(".git")
            .unwrap_or(path)
            .trim_end_matches('/');
        Some(RemoteUrl {
            scheme: scheme.to_string(),
            host: host.to_ascii_lowercase(),
            port,
            path: path.to_string(),
        })
    }
}

/// A repository hosted on a forge whose tag pages flowdeck knows how to link to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WebRepo {
    /// `https://github.com/<owner>/<repo>`
    GitHub { path: String },
    /// `https://gitlab.com/<group>[/<subgroup>…]/<project>`
    GitLab { path: String },
}

impl WebRepo {
    /// Reads a remote URL in any of the forms git accepts for github.com and gitlab.com:
    /// `https://[user[:secret]@]host/o/r[.git]`, `ssh://git@host[:port]/o/r.git`,
    /// `git://host/o/r`, or scp-like `git@host:o/r.git`. Anything else gives None.
    /// Credentials in the URL are dropped, never carried into the result.
    pub(super) fn from_remote_url(url: &str) -> Option<WebRepo> {
        let remote = RemoteUrl::parse(url)?;
        let (host, path) = (remote.host, remote.path.as_str());
        let segments: Vec<&str> = path.split('/').collect();
        if !segments.iter().all(|s| is_plain_segment(s)) {
            return None;
        }
        match host.as_str() {
            "github.com" | "www.github.com" if segments.len() == 2 => Some(WebRepo::GitHub {
                path: path.to_string(),
            }),
            "gitlab.com" | "www.gitlab.com" if segments.len() >= 2 => Some(WebRepo::GitLab {
                path: path.to_string(),
            }),
            _ => None,
        }
    }

    /// The web page of a tag: GitHub's release page, GitLab's tag page.
    pub(super) fn tag_url(&self, tag: &str) -> String {
        let tag = encode_path(tag);
        match self {
            WebRepo::GitHub { path } => format!("https://github.com/{path}/releases/tag/{tag}"),
            WebRepo::GitLab { path } => format!("https://gitlab.com/{path}/-/tags/{tag}"),
        }
    }
}

/// An owner, group or repository name as forges allow them.
pub(crate) fn is_plain_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Percent-encodes a tag name for a URL path, keeping the slashes of "api/v1.2" as they are.
fn encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(remote: &str, tag: &str) -> Option<String> {
        WebRepo::from_remote_url(remote).map(|r| r.tag_url(tag))
    }

    #[test]
    fn github_https_and_ssh_forms() {
        let want = Some("https://github.com/acme/api/releases/tag/v1.2.0".to_string());
        assert_eq!(url("https://github.com/acme/api.git", "v1.2.0"), want);
        assert_eq!(url("https://github.com/acme/api", "v1.2.0"), want);
        assert_eq!(url("https://github.com/acme/api/", "v1.2.0"), want);
        assert_eq!(url("http://github.com/acme/api", "v1.2.0"), want);
        assert_eq!(url("git@github.com:acme/api.git", "v1.2.0"), want);
        assert_eq!(url("git@github.com:acme/api", "v1.2.0"), want);
        assert_eq!(url("ssh://git@github.com/acme/api.git", "v1.2.0"), want);
        assert_eq!(url("ssh://git@github.com:22/acme/api.git", "v1.2.0"), want);
        assert_eq!(url("git://github.com/acme/api.git", "v1.2.0"), want);
        assert_eq!(url("https://GitHub.com/acme/api.git", "v1.2.0"), want);
    }

    #[test]
    fn credentials_never_reach_the_link() {
        assert_eq!(
            url(
                "https://x-access-token:ghs_secret@github.com/acme/api.git",
                "v1"
            ),
            Some("https://github.com/acme/api/releases/tag/v1".to_string())
        );
    }

    #[test]
    fn gitlab_forms_with_subgroups() {
        let want = Some("https://gitlab.com/group/sub/proj/-/tags/v3".to_string());
        assert_eq!(url("https://gitlab.com/group/sub/proj.git", "v3"), want);
        assert_eq!(url("git@gitlab.com:group/sub/proj.git", "v3"), want);
        assert_eq!(
            url("ssh://git@gitlab.com/g/p.git", "api-v1"),
            Some("https://gitlab.com/g/p/-/tags/api-v1".to_string())
        );
    }

    #[test]
    fn other_hosts_and_odd_paths_give_no_link() {
        assert_eq!(url("https://git.example.com/acme/api.git", "v1"), None);
        assert_eq!(url("/srv/git/api.git", "v1"), None);
        assert_eq!(url("../api", "v1"), None);
        assert_eq!(url("file:///srv/git/api.git", "v1"), None);
        assert_eq!(url("https://github.com/acme", "v1"), None);
        assert_eq!(url("https://github.com/acme/api/extra", "v1"), None);
        assert_eq!(url("https://github.com/acme/a%20b", "v1"), None);
        assert_eq!(url("https://github.com/acme/..", "v1"), None);
        assert_eq!(url("", "v1"), None);
    }

    #[test]
    fn tag_names_are_encoded_but_keep_their_slashes() {
        assert_eq!(
            url("git@github.com:acme/api.git", "release/v1+build#2"),
            Some("https://github.com/acme/api/releases/tag/release/v1%2Bbuild%232".to_string())
        );
    }
}
