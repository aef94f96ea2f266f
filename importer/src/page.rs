//! A docs page read and outlined: its lines, headings and tables, and the sections under
//! headings. Everything that reads a page (methods, events, named types) starts here.

use std::collections::BTreeSet;

use crate::text::{self, Heading};
use crate::yfm::{self, Table};

/// A page read and outlined.
pub(crate) struct Page<'a> {
    /// Named types that type words may refer to.
    pub(crate) known: &'a BTreeSet<String>,
    pub(crate) lines: Vec<&'a str>,
    pub(crate) headings: Vec<Heading>,
    pub(crate) tables: Vec<Table>,
}

impl<'a> Page<'a> {
    /// Outlines a page's text.
    pub(crate) fn new(text: &'a str, known: &'a BTreeSet<String>) -> Page<'a> {
        let lines: Vec<&str> = text.lines().collect();
        Page {
            known,
            headings: text::headings(&lines),
            tables: yfm::tables(&lines),
            lines,
        }
    }

    /// The line where the first section (`## …`) starts: the introduction ends there.
    pub(crate) fn intro_end(&self) -> usize {
        self.headings
            .iter()
            .find(|h| h.level == 2)
            .map_or(self.lines.len(), |h| h.line)
    }

    /// Line range of the section under heading `h` (up to the next heading of its level or above).
    pub(crate) fn section(&self, h: &Heading) -> (usize, usize) {
        let end = self
            .headings
            .iter()
            .find(|o| o.line > h.line && o.level <= h.level)
            .map_or(self.lines.len(), |o| o.line);
        (h.line, end)
    }

    pub(crate) fn find_section(
        &self,
        level: usize,
        words: &[&str],
        not: &[&str],
    ) -> Option<(usize, usize)> {
        self.headings
            .iter()
            .find(|h| {
                let t = h.title.to_lowercase();
                h.level <= level
                    && words.iter().any(|w| t.contains(w))
                    && !not.iter().any(|w| t.contains(w))
            })
            .map(|h| self.section(h))
    }

    pub(crate) fn tables_in(&self, (start, end): (usize, usize)) -> impl Iterator<Item = &Table> {
        self.tables
            .iter()
            .filter(move |t| t.line >= start && t.line < end)
    }

    /// The heading a table sits under.
    pub(crate) fn heading_of(&self, t: &Table) -> Option<&Heading> {
        self.headings.iter().rev().find(|h| h.line < t.line)
    }
}
