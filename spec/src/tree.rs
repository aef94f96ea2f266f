//! A folder of produced files kept in sync with what a tool produces: written without touching
//! unchanged files, stale ones removed, and checked byte for byte. The generator keeps
//! `generated/` this way and the importer keeps `spec/`.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Produced files: text by path relative to the root, `/`-separated.
pub type Files = BTreeMap<String, String>;

/// A file whose content on disk differs from what was produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Produced but not on disk.
    Missing(String),
    /// On disk with other content.
    Changed(String),
    /// On disk in an owned folder but not produced any more.
    Extra(String),
}

impl Stale {
    /// The file's path relative to the root.
    pub fn path(&self) -> &str {
        match self {
            Stale::Missing(p) | Stale::Changed(p) | Stale::Extra(p) => p,
        }
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "missing: {p}"),
            Stale::Changed(p) => write!(f, "changed: {p}"),
            Stale::Extra(p) => write!(f, "not generated any more: {p}"),
        }
    }
}

/// Which files under the root are the tool's own: every file ending in `extension` below
/// one of `folders` (relative to the root). Others are never removed nor reported.
#[derive(Debug, Clone, Copy)]
pub struct Owned<'a> {
    /// Folders the tool owns, relative to the root.
    pub folders: &'a [&'a str],
    /// File name ending of owned files (`.rs`, `.json`).
    pub extension: &'a str,
}

impl Owned<'_> {
    /// The owned files on disk under `root`, relative and sorted.
    ///
    /// # Errors
    /// I/O errors other than a missing folder.
    pub fn list(&self, root: &Path) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for folder in self.folders {
            let mut stack = vec![root.join(folder)];
            while let Some(dir) = stack.pop() {
                let entries = match fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                };
                for entry in entries {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.to_string_lossy().ends_with(self.extension) {
                        out.push(relative(root, &path));
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Writes `files` under `root`, leaving unchanged files untouched, and removes owned files
/// that are not among them.
///
/// # Errors
/// The first file that cannot be written or removed.
pub fn write(root: &Path, files: &Files, owned: Owned<'_>) -> io::Result<()> {
    for stale in owned.list(root)? {
        if !files.contains_key(&stale) {
            fs::remove_file(root.join(&stale))?;
        }
    }
    for (rel, text) in files {
        let path: PathBuf = root.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        if fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            fs::write(&path, text)?;
        }
    }
    Ok(())
}

/// How the files under `root` differ from `files`, sorted by path; empty when equal.
///
/// # Errors
/// I/O errors other than missing files.
pub fn check(root: &Path, files: &Files, owned: Owned<'_>) -> io::Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for (rel, text) in files {
        match fs::read(root.join(rel)) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => stale.push(Stale::Changed(rel.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(rel.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    for rel in owned.list(root)? {
        if !files.contains_key(&rel) {
            stale.push(Stale::Extra(rel));
        }
    }
    stale.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_check_then_drift() {
        let root = std::env::temp_dir().join(format!("bitrix-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let owned = Owned {
            folders: &["src"],
            extension: ".rs",
        };
        let files: Files = [("src/a/x.rs".to_owned(), "x\n".to_owned())].into();
        assert_eq!(
            check(&root, &files, owned).unwrap(),
            [Stale::Missing("src/a/x.rs".into())]
        );
        write(&root, &files, owned).unwrap();
        assert!(check(&root, &files, owned).unwrap().is_empty());
        fs::write(root.join("src/a/x.rs"), "y\n").unwrap();
        fs::write(root.join("src/old.rs"), "").unwrap();
        fs::write(root.join("src/notes.md"), "").unwrap();
        let stale = check(&root, &files, owned).unwrap();
        assert_eq!(
            stale,
            [
                Stale::Changed("src/a/x.rs".into()),
                Stale::Extra("src/old.rs".into())
            ]
        );
        assert_eq!(stale[1].to_string(), "not generated any more: src/old.rs");
        write(&root, &files, owned).unwrap();
        assert!(check(&root, &files, owned).unwrap().is_empty());
        assert!(
            root.join("src/notes.md").exists(),
            "files of other kinds are not the tool's"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
