//! `write` and `check` on a spec folder: byte-for-byte comparison, missing and stale files,
//! and stale files removed by `write`. Needs no docs snapshot.

use std::path::PathBuf;

use bitrix_import::{check, write, Import};
use bitrix_spec::ErrorCatalogue;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bitrix-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn import_with_one_catalogue() -> Import {
    let catalogue: ErrorCatalogue = serde_json::from_value(serde_json::json!({
        "name": "system",
        "title": "System errors",
        "doc_url": "https://apidocs.bitrix24.com/api-reference/common/system-errors.html",
        "source": "_includes/system-errors.md",
        "errors": [{"code": "QUERY_LIMIT_EXCEEDED", "status": 503, "message": "Too many requests"}]
    }))
    .expect("a valid catalogue");
    let mut import = Import::default();
    import.catalogues.insert(catalogue.name.clone(), catalogue);
    import
}

#[test]
fn check_reports_missing_changed_and_stale_files_and_write_fixes_them() {
    let dir = scratch("check");
    let import = import_with_one_catalogue();
    assert_eq!(
        check(&dir, &import).unwrap(),
        ["missing: errors/system.json"]
    );

    write(&dir, &import).unwrap();
    assert!(check(&dir, &import).unwrap().is_empty());

    std::fs::write(dir.join("errors/system.json"), "{}\n").unwrap();
    std::fs::create_dir_all(dir.join("types")).unwrap();
    std::fs::write(dir.join("types/gone.json"), "{}\n").unwrap();
    // Files outside the folders an import owns are not its business.
    std::fs::create_dir_all(dir.join("overrides/methods")).unwrap();
    std::fs::write(dir.join("overrides/methods/x.json"), "{}\n").unwrap();
    assert_eq!(
        check(&dir, &import).unwrap(),
        [
            "differs: errors/system.json",
            "not in the import: types/gone.json"
        ]
    );

    write(&dir, &import).unwrap();
    assert!(check(&dir, &import).unwrap().is_empty());
    assert!(!dir.join("types/gone.json").exists());
    assert!(dir.join("overrides/methods/x.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
