//! Parameters a page names as alternatives ("At least one of the parameters must be specified:
//! `IBLOCK_ID` or `IBLOCK_CODE`"): the table may mark each required, but a call needs only one
//! of them, so a validator that demanded both would refuse calls the server accepts.

use bitrix_spec::Field;

use crate::cell::code_spans;

/// The sentences that introduce alternatives, lowercase.
const LEADS: [&str; 3] = [
    "at least one of the parameters",
    "at least one of the following",
    "one of the parameters must be",
];

/// Makes the top-level parameters a page names as alternatives optional, with a reason. The
/// sentence must name only top-level parameters, two or more.
pub(crate) fn relax(lines: &[&str], params: &mut [Field], reasons: &mut Vec<String>) {
    for line in lines {
        // ASCII lowercase keeps byte offsets, so `at` is an offset into `line` too.
        let lower = line.to_ascii_lowercase();
        let Some(at) = LEADS.iter().find_map(|lead| lower.find(lead)) else {
            continue;
        };
        let sentence = line[at..].split(". ").next().unwrap_or_default();
        let named = code_spans(sentence);
        let all_params = named.iter().all(|n| params.iter().any(|p| p.name == *n));
        if named.len() < 2 || !all_params {
            continue;
        }
        for p in params
            .iter_mut()
            .filter(|p| p.required && named.contains(&p.name))
        {
            p.required = false;
            reasons.push(format!(
                "`{}`: one of the alternatives {} the page says to send; optional here",
                p.name,
                named.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{Field, Kind, Type};

    #[test]
    fn alternatives_are_each_optional() {
        let mut params: Vec<Field> = ["IBLOCK_ID", "IBLOCK_CODE", "FIELDS"]
            .iter()
            .map(|n| Field::new(*n, true, Type::of(Kind::String)))
            .collect();
        let mut reasons = Vec::new();
        let lines = [
            "The `FIELDS` parameter is required.",
            "At least one of the parameters must be specified: `IBLOCK_ID` or `IBLOCK_CODE`. The `FIELDS` parameter is required.",
            // Not all of them parameters: keys inside one, which this does not judge.
            "At least one of the following fields of `FIELDS`: `TITLE`, `NAME`",
        ];
        super::relax(&lines, &mut params, &mut reasons);
        let required: Vec<bool> = params.iter().map(|p| p.required).collect();
        assert_eq!(required, [false, false, true]);
        assert_eq!(reasons.len(), 2);
        assert_eq!(
            reasons[0],
            "`IBLOCK_ID`: one of the alternatives IBLOCK_ID, IBLOCK_CODE the page says to send; optional here"
        );
    }
}
