//! Embeds the workspace spec (`../spec`) so the emulator serves exactly the methods the client
//! is generated from, with no files needed at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = manifest.join("../spec");
    let mut out =
        String::from("/// Every spec file: (kind, path relative to `spec/`, contents).\n");
    out.push_str("pub(crate) static FILES: &[(u8, &str, &str)] = &[\n");
    for (kind, folder) in [(0u8, "methods"), (1, "types"), (2, "events"), (3, "errors")] {
        let dir = spec.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files = Vec::new();
        collect(&dir, &mut files);
        files.sort();
        for path in files {
            let rel = path.strip_prefix(&spec).expect("under spec/");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let abs = path.canonicalize().expect("readable spec file");
            writeln!(
                out,
                "    ({kind}, {rel:?}, include_str!({:?})),",
                abs.display().to_string()
            )
            .expect("write to a String");
        }
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("spec_files.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        panic!("the spec folder {} is missing", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}
