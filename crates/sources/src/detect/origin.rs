//! Where the repository's origin lives: GitHub, GitLab, another host to probe, or no forge.
//!
//! The remote named `origin` is read, else the only remote. `github.com` is GitHub and
//! `gitlab.com` GitLab; any other host is probed (see `probe.rs`). SSH remotes stand for
//! `https://host`; `http://` is kept only for a loopback host. Credentials in a remote URL are
//! dropped when it is read: nothing here can print or store them.

use std::fmt;

use crate::git::remote::{RemoteUrl, is_plain_segment};

/// A forge flowdeck can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    Github,
    Gitlab,
}

impl Forge {
    pub fn kind(self) -> &'static str {
        match self {
            Forge::Github => "github",
            Forge::Gitlab => "gitlab",
        }
    }
}

impl fmt::Display for Forge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forge::Github => "GitHub",
            Forge::Gitlab => "GitLab",
        })
    }
}

/// The origin as read from the repository's remotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No forge: why (no remote, a local path, several remotes and no `origin`, ...).
    None { why: String },
    /// A host flowdeck knows or has probed.
    Forge(ForgeRepo),
    /// Another host: probe `web` for GitHub Enterprise, then GitLab.
    Unknown { web: String, project: String },
    /// A remote flowdeck will not talk to (plain http to another machine): why.
    Refused { why: String },
}

/// A project on a forge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgeRepo {
    pub forge: Forge,
    /// `https://host[:port]` (http only for loopback): the web root.
    pub web: String,
    /// The API root as the source's `base_url` takes it: `https://api.github.com`,
    /// `https://HOST/api/v3`, or GitLab's web root.
    pub base_url: String,
    /// `owner/repo`, or a GitLab `group/sub/project`.
    pub project: String,
}

impl ForgeRepo {
    /// `github.com: ratatui/ratatui`, for the comments and notes.
    pub fn describe(&self) -> String {
        let host = self
            .web
            .split_once("://")
            .map_or(self.web.as_str(), |(_, h)| h);
        format!("{host}: {}", self.project)
    }
}

/// The web root and project of `url`, checked; or why not.
pub fn read_remote(url: &str) -> Origin {
    let trimmed = url.trim();
    if trimmed.to_ascii_lowercase().starts_with("file://")
        || trimmed.starts_with('/')
        || trimmed.starts_with('.')
    {
        return Origin::None {
            why: "origin is a path on this machine, not a forge".into(),
        };
    }
    let Some(remote) = RemoteUrl::parse(trimmed) else {
        return Origin::None {
            why: "origin's URL is not one flowdeck can read as a forge's".into(),
        };
    };
    let segments: Vec<&str> = remote.path.split('/').collect();
    if segments.len() < 2 || !segments.iter().all(|s| is_plain_segment(s)) {
        return Origin::None {
            why: format!("origin on {} names no owner/repository path", remote.host),
        };
    }
    let project = remote.path.clone();
    let loopback = is_loopback(&remote.host);
    let scheme = match remote.scheme.as_str() {
        "http" if loopback => "http",
        "http" => {
            return Origin::Refused {
                why: format!(
                    "origin is plain http on {}: flowdeck sends tokens over https only (http is kept for this machine alone)",
                    remote.host
                ),
            };
        }
        // ssh and git remotes stand for the https site of the same host.
        _ => "https",
    };
    let host = if remote.host.contains(':') {
        format!("[{}]", remote.host)
    } else {
        remote.host.clone()
    };
    // An ssh port is the ssh server's, not the web's.
    let port = match (remote.scheme.as_str(), remote.port) {
        ("http" | "https", Some(port)) => format!(":{port}"),
        _ => String::new(),
    };
    let web = format!("{scheme}://{host}{port}");
    match remote.host.as_str() {
        "github.com" | "www.github.com" if segments.len() == 2 => Origin::Forge(ForgeRepo {
            forge: Forge::Github,
            web: "https://github.com".into(),
            base_url: "https://api.github.com".into(),
            project,
        }),
        "gitlab.com" | "www.gitlab.com" => Origin::Forge(ForgeRepo {
            forge: Forge::Gitlab,
            web: "https://gitlab.com".into(),
            base_url: "https://gitlab.com".into(),
            project,
        }),
        "github.com" | "www.github.com" => Origin::None {
            why: "origin on github.com is not of the form owner/repo".into(),
        },
        _ => Origin::Unknown { web, project },
    }
}

/// 127.0.0.0/8, localhost, ::1.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The remote to read: `origin`, else the only one; or why none.
pub fn choose_remote(names: &[String]) -> Result<&str, String> {
    if let Some(origin) = names.iter().find(|n| *n == "origin") {
        return Ok(origin);
    }
    match names {
        [] => Err("the repository has no remote".into()),
        [only] => Ok(only),
        many => Err(format!(
            "the repository has {} remotes and none is named origin",
            many.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forge(url: &str) -> ForgeRepo {
        match read_remote(url) {
            Origin::Forge(repo) => repo,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn github_in_every_form() {
        for url in [
            "https://github.com/ratatui/ratatui.git",
            "https://github.com/ratatui/ratatui",
            "git@github.com:ratatui/ratatui.git",
            "ssh://git@github.com/ratatui/ratatui.git",
            "ssh://git@github.com:22/ratatui/ratatui",
            "https://x-access-token:ghs_SECRET@github.com/ratatui/ratatui.git",
        ] {
            let repo = forge(url);
            assert_eq!(repo.forge, Forge::Github, "{url}");
            assert_eq!(repo.base_url, "https://api.github.com");
            assert_eq!(repo.project, "ratatui/ratatui");
            assert!(!format!("{repo:?}").contains("SECRET"));
        }
        assert_eq!(
            forge("git@github.com:a/b.git").describe(),
            "github.com: a/b"
        );
    }

    #[test]
    fn gitlab_with_subgroups() {
        let repo = forge("git@gitlab.com:group/sub/project.git");
        assert_eq!(repo.forge, Forge::Gitlab);
        assert_eq!(repo.base_url, "https://gitlab.com");
        assert_eq!(repo.project, "group/sub/project");
    }

    #[test]
    fn other_hosts_are_probed_over_https() {
        assert_eq!(
            read_remote("git@git.example.com:team/app.git"),
            Origin::Unknown {
                web: "https://git.example.com".into(),
                project: "team/app".into()
            }
        );
        assert_eq!(
            read_remote("ssh://git@git.example.com:2222/team/app.git"),
            Origin::Unknown {
                web: "https://git.example.com".into(),
                project: "team/app".into()
            }
        );
        assert_eq!(
            read_remote("https://user:pw@git.example.com:8443/team/app"),
            Origin::Unknown {
                web: "https://git.example.com:8443".into(),
                project: "team/app".into()
            }
        );
    }

    #[test]
    fn http_is_kept_for_loopback_only() {
        assert_eq!(
            read_remote("http://127.0.0.1:8080/acme/api.git"),
            Origin::Unknown {
                web: "http://127.0.0.1:8080".into(),
                project: "acme/api".into()
            }
        );
        assert!(matches!(
            read_remote("http://localhost/acme/api"),
            Origin::Unknown { .. }
        ));
        assert!(matches!(
            read_remote("http://[::1]:9/acme/api"),
            Origin::Unknown { ref web, .. } if web == "http://[::1]:9"
        ));
        let Origin::Refused { why } = read_remote("http://tok:SECRET@git.example.com/a/b") else {
            panic!("http elsewhere must be refused");
        };
        assert!(!why.contains("SECRET") && !why.contains("tok:"), "{why}");
    }

    #[test]
    fn paths_and_odd_urls_are_no_forge() {
        for url in [
            "file:///srv/git/api.git",
            "/srv/git/api.git",
            "../api",
            "",
            "https://github.com/acme",
            "https://github.com/acme/api/extra",
            "https://host/a%20b/c",
            "ftp://host/a/b",
            "https://host/../x",
        ] {
            assert!(
                matches!(read_remote(url), Origin::None { .. }),
                "{url}: {:?}",
                read_remote(url)
            );
        }
    }

    #[test]
    fn origin_else_the_only_remote() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(choose_remote(&names(&["up", "origin"])), Ok("origin"));
        assert_eq!(choose_remote(&names(&["up"])), Ok("up"));
        assert!(choose_remote(&names(&[])).is_err());
        assert!(
            choose_remote(&names(&["a", "b"]))
                .unwrap_err()
                .contains("2 remotes")
        );
    }
}
