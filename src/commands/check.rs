//! `flowdeck check`: validate the config and probe every source, one line per source; a
//! non-zero exit when anything fails.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use super::CommandError;
use super::context::Context;
use crate::config::SourceConfig;
use crate::sources::git;

pub fn run(ctx: &Context) -> Result<ExitCode, CommandError> {
    let loaded = &ctx.loaded;
    let config = &loaded.config;
    let mut out = String::new();
    let _ = match &loaded.path {
        Some(path) => writeln!(
            out,
            "ok    config {}: {} source(s), {} service(s)",
            path.display(),
            config.sources.len(),
            config.services.len()
        ),
        None => writeln!(out, "ok    config: no config file, defaults apply"),
    };
    let mut failures = 0;
    if ctx.demo {
        let events = crate::sources::demo::generate(ctx.now);
        let _ = writeln!(
            out,
            "ok    demo: built-in demo data, {} services, {} deployments",
            events.services.len(),
            events.deployments.len()
        );
    } else if config.sources.is_empty() {
        failures += 1;
        let _ = writeln!(
            out,
            "FAIL  sources: none configured (add [[sources]], see config.example.toml, or run with --demo)"
        );
    }
    if !ctx.demo {
        for source in &config.sources {
            let name = source.display_name();
            match probe(source, ctx) {
                Ok(detail) => {
                    let _ = writeln!(out, "ok    {name}: {detail}");
                }
                Err(problem) => {
                    failures += 1;
                    let _ = writeln!(out, "FAIL  {name}: {problem}");
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn probe(source: &SourceConfig, ctx: &Context) -> Result<String, String> {
    match source {
        SourceConfig::Git(git_config) => {
            let probe = git::probe(git_config, &ctx.loaded.base_dir).map_err(|e| e.to_string())?;
            let path = match git_config.path.as_os_str().to_str() {
                Some(".") => ctx.loaded.base_dir.clone(),
                _ => ctx.loaded.base_dir.join(&git_config.path),
            };
            Ok(format!(
                "repository {} opens, {} tag(s) match {:?}{}",
                path.display(),
                probe.tags_matched,
                git_config.deploy_tags.as_str(),
                probe
                    .newest_tag
                    .map(|t| format!(", newest {t}"))
                    .unwrap_or_default()
            ))
        }
        other => Err(format!(
            "{} sources are not supported by this build yet",
            other.kind()
        )),
    }
}
