//! Tokens kept in a JSON file, replaced atomically: the new pair is written to a temporary
//! file beside it (mode `0600` on Unix), flushed to disk, and renamed over the old one, so a
//! crash leaves either the old pair or the new one, never half of either.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{StoreError, StoreErrorKind, StoreFuture, TokenSet, TokenStore};

/// Tokens kept in one JSON file (see [`TokenSet`] for its shape), readable by its owner only.
///
/// For one process at a time: it has no refresh lock. Processes that share tokens need a
/// store with one, such as `RedisTokenStore` (cargo feature `redis`).
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store in the file at `path` (created by the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> FileStore {
        FileStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl TokenStore for FileStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        let path = self.path.clone();
        Box::pin(async move { blocking(move || read(&path)).await })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        let path = self.path.clone();
        let tokens = tokens.clone();
        Box::pin(async move { blocking(move || write(&path, &tokens)).await })
    }
}

/// Runs file work off the async workers (a flush to disk can take a while).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        StoreError::with_source(
            StoreErrorKind::Unavailable,
            "the file store's task failed",
            e,
        )
    })?
}

fn read(path: &Path) -> Result<Option<TokenSet>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unavailable("cannot read the token file", e)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        // serde_json's message names a line and column, never the text: no token leaks.
        StoreError::with_source(
            StoreErrorKind::Corrupt,
            "the token file does not hold tokens",
            e,
        )
    })
}

fn write(path: &Path, tokens: &TokenSet) -> Result<(), StoreError> {
    let json = serde_json::to_vec_pretty(tokens).map_err(|e| {
        StoreError::with_source(StoreErrorKind::Corrupt, "cannot serialize the tokens", e)
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        StoreError::new(StoreErrorKind::Unavailable, "the token file has no name")
    })?;
    let temp = dir.join(temp_name(name));
    let written = write_new(&temp, &json).and_then(|()| fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(unavailable("cannot write the token file", e));
    }
    sync_dir(dir).map_err(|e| unavailable("cannot flush the token file's directory", e))
}

/// `.<name>.<pid>.<n>.tmp`: unique among the writers of this process and of others.
fn temp_name(name: &std::ffi::OsStr) -> std::ffi::OsString {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    temp
}

/// Creates `path` (which must not exist), owner-only, and writes `bytes` to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the rename itself durable (Unix; elsewhere there is no directory handle to flush).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn unavailable(message: &'static str, e: io::Error) -> StoreError {
    StoreError::with_source(StoreErrorKind::Unavailable, message, e)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    /// A fresh directory of this test under the system's temporary directory.
    fn dir(test: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bitrix24-file-store-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn saves_replace_the_file_and_leave_no_temporary_files() {
        let dir = dir("replace");
        let store = FileStore::new(dir.join("tokens.json"));
        assert_eq!(store.load().await.unwrap(), None, "no file yet: no tokens");
        for n in 0..3 {
            let tokens = TokenSet::new(format!("acc-{n}"), format!("ref-{n}"), n);
            store.save(&tokens).await.unwrap();
            assert_eq!(store.load().await.unwrap(), Some(tokens));
        }
        assert_eq!(entries(&dir), ["tokens.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = dir("mode");
        let path = dir.join("tokens.json");
        // Even when the file was made readable by all before.
        fs::write(&path, b"{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        FileStore::new(&path)
            .save(&TokenSet::new("a", "r", 1))
            .await
            .unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_corrupt_file_is_a_typed_error_that_does_not_echo_it() {
        let dir = dir("corrupt");
        let path = dir.join("tokens.json");
        let store = FileStore::new(&path);
        for bad in [
            r#"{"access_token": "leaked-acc", "refresh_token": "#.as_bytes(),
            br#"{"access_token": "leaked-acc"}"#,
            b"\xff\xfe",
        ] {
            fs::write(&path, bad).unwrap();
            let e = store.load().await.unwrap_err();
            assert_eq!(e.kind(), StoreErrorKind::Corrupt);
            assert_eq!(e.to_string(), "the token file does not hold tokens");
            assert!(e.source().is_some());
            assert!(!format!("{e:?}").contains("leaked-acc"), "{e:?}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn an_unusable_path_is_unavailable_and_leaves_nothing_behind() {
        let dir = dir("unusable");
        // The path is a directory: reading fails, and so does the rename over it.
        let store = FileStore::new(&dir);
        let e = store.load().await.unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            (StoreErrorKind::Unavailable, "cannot read the token file")
        );
        let inside = FileStore::new(dir.join("sub"));
        fs::create_dir(dir.join("sub")).unwrap();
        fs::write(dir.join("sub").join("x"), b"").unwrap();
        let e = inside.save(&TokenSet::new("a", "r", 1)).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            (StoreErrorKind::Unavailable, "cannot write the token file")
        );
        assert_eq!(entries(&dir), ["sub"], "the temporary file was removed");
        // A directory that does not exist.
        let e = FileStore::new(dir.join("no/such/dir/tokens.json"))
            .save(&TokenSet::new("a", "r", 1))
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "cannot write the token file");
        fs::remove_dir_all(&dir).unwrap();
    }
}
