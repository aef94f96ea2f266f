//! One method page → one spec method, with the reasons for its confidence. The parts are read
//! by their own modules ([`crate::identity`], [`crate::fieldtable`], [`crate::linked`],
//! [`crate::answers`], [`crate::errors`], [`crate::examples`]); this one puts them together.

use std::collections::BTreeSet;
use std::path::Path;

use bitrix_spec::{Confidence, ConfidenceLevel, Deprecation, ExampleKind, Method, Paging, Version};

use crate::answers;
use crate::errors;
use crate::examples;
use crate::fieldtable;
use crate::identity::{self, is_dotted};
use crate::mutates;
use crate::page::Page;
use crate::paging;
use crate::reconcile;
use crate::results;
use crate::text;

use crate::identity::Skip;

/// A method page's import, with how strongly the page is about that method: the number of
/// signals naming it (title, cURL, opening sentence, SDK call, file name) plus one for a scope
/// line. When two pages document one method, the stronger one is kept.
pub struct Imported {
    /// The method.
    pub method: Method,
    /// Signals backing the page, 0–6.
    pub evidence: usize,
    /// The entity object in the result, shared once every page is read.
    pub(crate) entity: Option<results::EntityUse>,
    /// Whether the page documents a result (a returned-data table or a response example).
    pub documents_result: bool,
    /// The method whose answer the page says this one's is like, when it documents none.
    pub(crate) answers_like: Option<String>,
    /// Parameter objects whose fields another page documents.
    pub(crate) linked_params: Vec<crate::linked::LinkedParam>,
    /// The field names the `select` parameter lists.
    pub(crate) selectable: Vec<String>,
}

/// Imports one page. `rel` is its path under the docs root.
pub fn method(
    root: &Path,
    rel: &str,
    known: &BTreeSet<String>,
    kinds: &reconcile::Kinds,
) -> Result<Imported, Skip> {
    let text = text::load(root, &root.join(rel)).ok_or(Skip::Unreadable)?;
    let page = Page::new(&text, known);
    let mut reasons = Vec::new();
    let h1 = page
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.title.clone())
        .unwrap_or_default();
    let h1_name = identity::h1_method(&h1);
    let curl_names = identity::curl_methods(&page.lines, identity::file_stem(rel));
    let sentence_name = identity::sentence_method(&page.lines);
    let sdk_name = identity::sdk_methods(&page.lines).into_iter().next();
    let has_scope = page
        .lines
        .iter()
        .any(|l| l.trim_start().starts_with("> Scope"));
    let called: Vec<&str> = curl_names
        .iter()
        .map(String::as_str)
        .chain(sdk_name.as_deref())
        .collect();
    identity::documents(
        rel,
        h1_name.as_deref(),
        sentence_name.as_deref(),
        &called,
        has_scope,
        !curl_names.is_empty(),
    )?;
    let Some((name, evidence)) = identity::decide_name(
        h1_name.as_deref(),
        &curl_names,
        sentence_name.as_deref(),
        sdk_name.as_deref(),
        identity::file_stem(rel),
        &mut reasons,
    ) else {
        return Err(Skip::Malformed);
    };
    if !bitrix_spec::validate::is_valid_method_name(&name) {
        return Err(Skip::Malformed);
    }
    let v3 = rel.contains("rest-v3/")
        || text.contains("belongs to REST 3.0")
        || page.lines.iter().any(|l| l.contains("/rest/api/"));
    let version = if v3 { Version::V3 } else { Version::V1 };
    let title = identity::title_without(&h1, &name);

    let mut params = fieldtable::params(&page, &mut reasons);
    crate::alternatives::relax(&page.lines, &mut params, &mut reasons);
    // A method that creates the entity requires what the entity's fields page requires.
    let creates = name
        .rsplit('.')
        .next()
        .is_some_and(|a| a.eq_ignore_ascii_case("add"));
    let linked_params =
        crate::linked::resolve(root, rel, &page, &mut params, creates, &mut reasons);
    let examples = examples::extract(&page.lines, &page.headings, &mut reasons);
    let response = examples
        .iter()
        .find(|e| e.kind == ExampleKind::Response)
        .map(|e| &e.body);
    let result_wrapper = if v3 { answers::wrapper(response) } else { None };
    if let Some(request) = examples.iter().find(|e| e.kind == ExampleKind::Request) {
        reconcile::request(&mut params, &request.body, kinds, !v3, &mut reasons);
    }
    let example = response.and_then(|r| answers::result_value(r, result_wrapper));
    let found = results::result(root, rel, &page, &name, example, kinds, &mut reasons);
    // Decisions read plainly off the page are recorded without lowering the confidence.
    let mut decided = Vec::new();
    let paging = paging::decide(&params, &examples, &page.lines, v3, &mut decided).map(Paging::of);
    // A paged list's pages are never absent.
    let result_optional = found.may_be_absent && paging.is_none();
    if result_optional {
        decided.push("result: may be `null` or `false` instead, as its row says".to_owned());
    }
    let errors::Read {
        errors,
        none_because,
    } = errors::read(&page, v3, &mut reasons);
    let flag = mutates::decide(&mutates::Page {
        name: &name,
        title: &title,
        lines: &page.lines,
        intro_end: page.intro_end(),
        params: &params,
        examples: &examples,
    });
    // Weak evidence (an ambiguous verb, the name alone) lowers the confidence.
    if flag.doubtful {
        reasons.push(flag.reason());
    } else {
        decided.push(flag.reason());
    }
    let level = confidence(&reasons, evidence);
    reasons.insert(0, "imported".to_owned());
    reasons.extend(none_because);
    reasons.extend(decided);
    // Where the result type comes from is recorded, not counted as a doubt.
    reasons.extend(found.notes);
    let mut method = Method {
        mutates: flag.mutates,
        scope: identity::method_scope(&page, rel, &name),
        title,
        doc_url: format!(
            "https://apidocs.bitrix24.com/{}",
            rel.trim_end_matches(".md").to_owned() + ".html"
        ),
        source: rel.to_owned(),
        deprecated: deprecation(&page.lines),
        params,
        result: found.ty,
        result_optional,
        result_wrapper,
        paging,
        errors,
        examples,
        confidence: Some(Confidence { level, reasons }),
        name,
        version,
        rust_name: None,
    };
    paging::record_shape(&mut method);
    Ok(Imported {
        method,
        evidence: evidence + usize::from(has_scope),
        entity: found.entity,
        documents_result: found.documented,
        answers_like: found.alike,
        linked_params,
        selectable: results::selected::listed(&page),
    })
}

/// High when nothing needed a decision; low when only one signal names the method or the
/// page needed many decisions (its tables and examples disagree in several places); medium
/// otherwise.
fn confidence(reasons: &[String], name_evidence: usize) -> ConfidenceLevel {
    /// Decisions beyond which a page is more guessed than read.
    const MANY: usize = 4;
    if reasons.is_empty() && name_evidence > 1 {
        ConfidenceLevel::High
    } else if name_evidence <= 1 || reasons.len() >= MANY {
        ConfidenceLevel::Low
    } else {
        ConfidenceLevel::Medium
    }
}

fn deprecation(lines: &[&str]) -> Option<Deprecation> {
    let start = lines
        .iter()
        .position(|l| l.contains("{% note") && l.to_uppercase().contains("DEPRECATED"))?;
    let body = lines[start..]
        .iter()
        .skip(1)
        .take_while(|l| !l.contains("{% endnote %}"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    let replacement = link_texts(&body)
        .into_iter()
        .map(|t| t.trim_matches('`').to_owned())
        .find(|t| is_dotted(t));
    Some(Deprecation { replacement })
}

/// Texts of `[text](target)` links.
fn link_texts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find('[') {
        let after = &rest[a + 1..];
        let Some(b) = after.find("](") else { break };
        out.push(after[..b].to_owned());
        rest = &after[b + 2..];
    }
    out
}
