//! Reserved for the event decoder's properties (`runtime/src/events/`, on branch `events`),
//! added when that branch is merged: arbitrary, truncated and deeply nested event posts and
//! huge numbers in their fields never panic, and each bad post is an error naming what was
//! wrong. Reuse [`config`](super::config), [`json_text`](super::json_text) and
//! [`deep`](super::deep).
