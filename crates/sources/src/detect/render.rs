//! A detection written as a config: the text zero-config parses and `flowdeck init` writes, a
//! comment on each inferred value so the user can adjust it.

use std::fmt::Write as _;
use std::path::Path;

use super::{Detection, Forge};

/// `text` as a TOML string literal, quoted and escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The config for `detection`; `store` is where its event history goes (a `.sqlite` path),
/// None for the default store.
pub fn render(detection: &Detection, store: Option<&Path>) -> String {
    let mut out = String::new();
    let root = detection.root.display().to_string();
    let _ = writeln!(
        out,
        "# flowdeck config inferred from the git repository {}.",
        sanitize_comment(&root)
    );
    out.push_str("#\n# What was inferred (edit anything below; `flowdeck check` validates it):\n");
    for note in &detection.notes {
        let _ = writeln!(out, "#   - {}", sanitize_comment(note));
    }
    out.push_str(
        "#\n# config.example.toml in the flowdeck repository documents every key.\n\n[general]\n",
    );
    out.push_str("window = \"30d\"                 # the default window; the one before it gives the trends\n");
    out.push_str(
        "backfill = \"90d\"               # how far back the forge's first sync reaches\n",
    );
    if let Some(store) = store {
        let _ = writeln!(
            out,
            "store = {}   # this repository's event history",
            quoted(&store.display().to_string())
        );
    }

    let services = &detection.tags.services;
    let mut names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    if names.is_empty() {
        names.push(&detection.name);
    }
    for name in &names {
        let _ = write!(out, "\n[[services]]\nname = {}\n", quoted(name));
    }

    let path = quoted(&root);
    if services.is_empty() {
        let _ = write!(
            out,
            "\n# No version tags yet: tags like v1.2.3 will count as deployments.\n[[sources]]\nkind = \"git\"\nservice = {}\npath = {path}\ndeploy_tags = \"v*\"\n",
            quoted(&detection.name)
        );
    }
    for service in services {
        let folder = detection
            .folders
            .iter()
            .find(|(name, _)| *name == service.name)
            .map(|(_, folder)| folder.as_str());
        for group in &service.groups {
            out.push_str("\n[[sources]]\nkind = \"git\"\n");
            if service.groups.len() > 1 {
                let _ = writeln!(
                    out,
                    "name = {}",
                    quoted(&format!("git:{}:{}", service.name, group.glob()))
                );
            }
            let _ = writeln!(out, "service = {}", quoted(&service.name));
            let _ = writeln!(out, "path = {path}");
            let _ = writeln!(
                out,
                "deploy_tags = {}   # inferred from {} like {}",
                quoted(&group.glob()),
                super::tags_count(group.count),
                sanitize_comment(&group.example)
            );
            // The folder scopes the changes only of the tags named after it.
            if let Some(folder) = folder.filter(|_| group.prefix.starts_with(&service.name)) {
                let _ = writeln!(
                    out,
                    "paths = [{}]   # the folder named like the service",
                    quoted(&format!("{folder}/**"))
                );
            }
        }
    }

    if let Some(forge) = &detection.forge {
        let service = names
            .iter()
            .find(|n| **n == detection.name)
            .or(names.first())
            .copied()
            .unwrap_or(detection.name.as_str());
        let _ = write!(
            out,
            "\n# origin is {}\n[[sources]]\nkind = {}\nservice = {}\n",
            sanitize_comment(&forge.describe()),
            quoted(forge.forge.kind()),
            quoted(service)
        );
        match forge.forge {
            Forge::Github => {
                let _ = writeln!(out, "repo = {}", quoted(&forge.project));
            }
            Forge::Gitlab => {
                let _ = writeln!(out, "project = {}", quoted(&forge.project));
            }
        }
        let _ = writeln!(out, "base_url = {}", quoted(&forge.base_url));
    }
    out
}

/// A comment stays one line of printable text whatever a tag or path holds.
fn sanitize_comment(text: &str) -> String {
    flowdeck_core::text::sanitize(text).replace(['\n', '\r'], " ")
}
