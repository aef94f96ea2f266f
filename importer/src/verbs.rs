//! The verbs that decide whether a method changes data: which words write, read or may do
//! either, in any of their forms ("Retrieves", "Canceling", "copies"), and the words of a
//! page's prose. [`crate::mutates`] applies them to titles, sentences and names.

/// Verbs that change data, in their base form.
pub(crate) const WRITE: &[&str] = &[
    "accept",
    "activate",
    "add",
    "append",
    "apply",
    "approve",
    "archive",
    "assign",
    "attach",
    "bind",
    "block",
    "cancel",
    "change",
    "clear",
    "clone",
    "close",
    "commit",
    "complete",
    "conduct",
    "configure",
    "confirm",
    "connect",
    "convert",
    "copy",
    "create",
    "deactivate",
    "decline",
    "defer",
    "delegate",
    "delete",
    "deny",
    "destroy",
    "detach",
    "disable",
    "disapprove",
    "disconnect",
    "drop",
    "edit",
    "enable",
    "end",
    "erase",
    "exclude",
    "favorite",
    "fill",
    "finish",
    "fix",
    "forward",
    "grant",
    "hangup",
    "hide",
    "import",
    "increment",
    "initiate",
    "insert",
    "install",
    "intercept",
    "invite",
    "join",
    "launch",
    "leave",
    "like",
    "link",
    "lock",
    "mark",
    "merge",
    "modify",
    "move",
    "mute",
    "notify",
    "pause",
    "pay",
    "pin",
    "post",
    "publish",
    "purge",
    "put",
    "rate",
    "reassign",
    "recall",
    "register",
    "reject",
    "remove",
    "rename",
    "renew",
    "reorder",
    "replace",
    "reply",
    "resend",
    "reset",
    "respond",
    "restart",
    "restore",
    "resume",
    "revoke",
    "rollback",
    "save",
    "send",
    "set",
    "share",
    "skip",
    "start",
    "stop",
    "store",
    "subscribe",
    "switch",
    "terminate",
    "toggle",
    "transfer",
    "unarchive",
    "unbind",
    "unblock",
    "unfavorite",
    "unhide",
    "uninstall",
    "unlike",
    "unlink",
    "unlock",
    "unmute",
    "unpin",
    "unpublish",
    "unregister",
    "unsubscribe",
    "update",
    "upload",
    "vote",
    "write",
];

/// Verbs that only read.
pub(crate) const READ: &[&str] = &[
    "calculate",
    "check",
    "count",
    "describe",
    "determine",
    "download",
    "export",
    "fetch",
    "find",
    "get",
    "look",
    "obtain",
    "query",
    "retrieve",
    "return",
    "search",
    "verify",
    "view",
];

/// Verbs that may or may not change data: the safe side is a write.
pub(crate) const AMBIGUOUS: &[&str] = &[
    "display", "execute", "generate", "open", "perform", "process", "read", "run", "show",
    "trigger",
];

/// Name segments that read (the family of list, get and fields methods).
pub(crate) const READ_NAMES: &[&str] = &[
    "count",
    "current",
    "fields",
    "get",
    "getfields",
    "getlist",
    "info",
    "list",
    "search",
    "status",
    "version",
];

/// What a verb means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Changes data.
    Write,
    /// Only reads.
    Read,
    /// May change data.
    Ambiguous,
}

/// Words of prose: code spans, link targets and punctuation dropped.
pub(crate) fn prose_words(text: &str) -> Vec<String> {
    let mut code = false;
    let mut plain = String::with_capacity(text.len());
    for part in text.split('`') {
        if !code {
            plain.push_str(part);
        }
        plain.push(' ');
        code = !code;
    }
    plain
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '/'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_owned())
        .filter(|w| !w.is_empty() && !w.contains('/') && !w.contains('.'))
        .collect::<Vec<_>>()
}

/// The class of a word in any of its forms ("Retrieves", "Canceling", "copies", "sets").
pub(crate) fn classify(word: &str) -> Option<Class> {
    let w = word.to_lowercase();
    let mut forms = vec![w.clone()];
    if let Some(stem) = w.strip_suffix("ies") {
        forms.push(format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("es") {
        forms.push(stem.to_owned());
    }
    if let Some(stem) = w.strip_suffix('s') {
        forms.push(stem.to_owned());
    }
    if let Some(stem) = w.strip_suffix("ing") {
        forms.push(stem.to_owned());
        forms.push(format!("{stem}e"));
        let mut chars = stem.chars().rev();
        if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
            if a == b {
                forms.push(stem[..stem.len() - a.len_utf8()].to_owned());
            }
        }
    }
    forms.iter().find_map(|f| {
        let f = f.as_str();
        if WRITE.contains(&f) {
            Some(Class::Write)
        } else if READ.contains(&f) {
            Some(Class::Read)
        } else if AMBIGUOUS.contains(&f) {
            Some(Class::Ambiguous)
        } else {
            None
        }
    })
}
