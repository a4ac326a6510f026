//! The local git source. (Stub until the git source lands.)

use std::path::Path;

use super::SourceError;
use crate::config::GitSourceConfig;
use crate::model::Deployment;

pub struct GitLoad {
    pub deployments: Vec<Deployment>,
    pub tags_matched: usize,
    pub commits_walked: usize,
    pub skipped_tags: Vec<String>,
}

pub struct GitProbe {
    pub tags_matched: usize,
    pub newest_tag: Option<String>,
}

pub fn load(config: &GitSourceConfig, base_dir: &Path) -> Result<GitLoad, SourceError> {
    let _ = (config, base_dir);
    Err(SourceError::Config(
        "the git source is not built yet".into(),
    ))
}

pub fn probe(config: &GitSourceConfig, base_dir: &Path) -> Result<GitProbe, SourceError> {
    let _ = (config, base_dir);
    Err(SourceError::Config(
        "the git source is not built yet".into(),
    ))
}
