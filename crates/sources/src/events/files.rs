//! Which files an `events` source's `path` names: a file, a directory (its event files, not
//! its subfolders), or a glob (`deploys/*.ndjson`, `logs/**/*.jsonl`). Sorted by path, so
//! files are read in the same order on every poll.

use std::path::{Path, PathBuf};

use globset::GlobBuilder;

/// The names a directory's files must end in to be read.
const EVENT_FILES: [&str; 4] = [".ndjson", ".jsonl", ".json", ".gz"];

/// How deep a glob with `**` descends, and how many files it may name: a path that names more
/// is a mistake (`/**`), refused rather than read.
const MAX_DEPTH: usize = 16;
const MAX_FILES: usize = 10_000;

/// The files `pattern` (relative to `base_dir`) names now; none is not an error (the first
/// deploy has not written its log yet).
pub fn list(base_dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let path = base_dir.join(pattern);
    if !has_glob(pattern) {
        return match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => directory(&path),
            Ok(_) => Ok(vec![path]),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        };
    }
    let text = path.to_string_lossy().into_owned();
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("path {pattern:?} is not a valid glob: {e}"))?
        .compile_matcher();
    // Walk from the longest folder without glob characters.
    let root: PathBuf = path
        .components()
        .take_while(|c| !has_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let mut found = Vec::new();
    walk(&root, 0, &mut |file| {
        if matcher.is_match(file) {
            found.push(file.to_path_buf());
        }
        found.len() <= MAX_FILES
    })?;
    if found.len() > MAX_FILES {
        return Err(format!(
            "path {pattern:?} names more than {MAX_FILES} files; narrow it"
        ));
    }
    found.sort();
    Ok(found)
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

fn directory(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase());
            name.is_some_and(|n| !n.starts_with('.') && EVENT_FILES.iter().any(|s| n.ends_with(s)))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Calls `each` for every regular file under `dir` (symlinked folders are not followed),
/// stopping when it returns false.
fn walk(dir: &Path, depth: usize, each: &mut dyn FnMut(&Path) -> bool) -> Result<bool, String> {
    if depth > MAX_DEPTH {
        return Ok(true);
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    for entry in entries.filter_map(Result::ok) {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            if !walk(&path, depth + 1, each)? {
                return Ok(false);
            }
        } else if kind.is_file() && !each(&path) {
            return Ok(false);
        }
    }
    Ok(true)
}
