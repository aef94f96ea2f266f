//! Synthetic pages for each kind of evidence.
