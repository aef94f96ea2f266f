//! The embedded spec and the lookups the emulator needs from it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use bitrix_spec::load::{add_file, FileKind, LoadedSpec};
use bitrix_spec::{Method, Spec, Type, Version};

include!(concat!(env!("OUT_DIR"), "/spec_files.rs"));

/// The spec the emulator serves, with a case-insensitive method index.
#[derive(Debug)]
pub struct SpecIndex {
    spec: Spec,
    by_name: HashMap<(String, Version), (String, Version)>,
}

impl SpecIndex {
    /// The spec embedded at build time (parsed once per process).
    pub fn embedded() -> Arc<SpecIndex> {
        static EMBEDDED: OnceLock<Arc<SpecIndex>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let mut loaded = LoadedSpec::default();
                for (kind, rel, text) in FILES {
                    let kind = match kind {
                        0 => FileKind::Method,
                        1 => FileKind::Type,
                        2 => FileKind::Event,
                        _ => FileKind::Catalogue,
                    };
                    add_file(&mut loaded, kind, rel, text);
                }
                Arc::new(SpecIndex::new(loaded.spec))
            })
            .clone()
    }

    /// Indexes `spec`.
    pub fn new(spec: Spec) -> SpecIndex {
        let by_name = spec
            .methods
            .keys()
            .map(|(name, version)| {
                (
                    (name.to_ascii_lowercase(), *version),
                    (name.clone(), *version),
                )
            })
            .collect();
        SpecIndex { spec, by_name }
    }

    /// The whole spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// A method by wire name (any case) and version.
    pub fn method(&self, name: &str, version: Version) -> Option<&Method> {
        let key = self.by_name.get(&(name.to_ascii_lowercase(), version))?;
        self.spec.methods.get(key)
    }

    /// The named type `ty` refers to, resolved (primitives come back as they are).
    pub fn resolve<'a>(&'a self, ty: &'a Type) -> &'a Type {
        self.spec.resolve(ty)
    }
}
