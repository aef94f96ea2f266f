//! Problems found while loading or validating a spec, each with file and JSON path.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth a look; the tools cope (e.g. names the generator disambiguates).
    Warning,
    /// The spec is wrong; tools refuse it.
    Error,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// How bad it is.
    pub severity: Severity,
    /// File, relative to the spec root where possible.
    pub file: String,
    /// JSON path inside the file, e.g. `$.params[0].fields[2]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}: {}", self.file, self.path, self.message)
    }
}

/// Problems of a whole spec, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records an error.
    pub fn error(&mut self, file: &str, path: &str, message: impl Into<String>) {
        self.push(Severity::Error, file, path, message.into());
    }

    /// Records a warning.
    pub fn warning(&mut self, file: &str, path: &str, message: impl Into<String>) {
        self.push(Severity::Warning, file, path, message.into());
    }

    fn push(&mut self, severity: Severity, file: &str, path: &str, message: String) {
        self.0.push(Problem {
            severity,
            file: file.to_owned(),
            path: path.to_owned(),
            message,
        });
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }

    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.severity == Severity::Error)
    }

    /// Warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.severity == Severity::Warning)
    }

    /// Sorts (errors after warnings, then by file, path and message) and drops repeats, so
    /// reports are deterministic.
    pub fn sort(&mut self) {
        self.0.sort();
        self.0.dedup();
    }

    /// Whether there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
