//! A small validator for the subset of JSON Schema a CI class may use for its items'
//! `attributes` (ADR 0018): `type`, `properties`, `required`, `enum`, `minimum`, `maximum`,
//! `minLength`, `maxLength`, `pattern`, `format` (`date-time`, `ipv4`, `uri`, `email`),
//! `additionalProperties` and `items`, plus the annotations `title` and `description`. A
//! schema using any other keyword is refused when the class is saved ([`check_schema`]), so
//! every schema that is stored is one this module fully enforces ([`validate`]).
//!
//! Errors name the failing value by its path under `attributes` (`attributes.cpu_cores`,
//! `attributes.listeners[2]`) so the API can return them as field errors.

use regex::Regex;
use serde_json::{Map, Value};

/// The keywords a schema may use.
pub const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "additionalProperties",
    "items",
    "title",
    "description",
];

/// The `type` names a schema may use.
pub const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];

/// The `format` names a schema may use.
pub const FORMATS: &[&str] = &["date-time", "ipv4", "uri", "email"];

/// How deeply schemas may nest.
const MAX_NESTING: usize = 16;
/// The longest `pattern`, in characters.
const MAX_PATTERN: usize = 1000;

/// One problem with a schema or a value: where (`attribute_schema.properties.x.type`, or
/// `attributes.x`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path of the offending schema member or value.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn is_nonneg_int(v: &Value) -> bool {
    v.as_u64().is_some()
}

/// Checks that `schema` is an object schema written only with the subset's keywords, each
/// well-formed (types known, `pattern` a valid regular expression, `required` a list of
/// names, …). Problems are named under `attribute_schema`.
pub fn check_schema(schema: &Value) -> Result<(), Vec<Problem>> {
    let mut out = Vec::new();
    check_node(schema, "attribute_schema", 0, &mut out);
    if out.is_empty() && schema.get("type").is_some_and(|t| t != "object") {
        out.push(problem(
            "attribute_schema.type",
            "the attribute schema must describe an object",
        ));
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

fn check_node(node: &Value, path: &str, depth: usize, out: &mut Vec<Problem>) {
    let Some(obj) = node.as_object() else {
        out.push(problem(path, "must be a JSON Schema object"));
        return;
    };
    if depth > MAX_NESTING {
        out.push(problem(path, format!("nests more than {MAX_NESTING} levels")));
        return;
    }
    for (k, v) in obj {
        let at = format!("{path}.{k}");
        match k.as_str() {
            "type" => {
                let names: Vec<&Value> = match v {
                    Value::Array(a) if !a.is_empty() => a.iter().collect(),
                    Value::String(_) => vec![v],
                    _ => {
                        out.push(problem(&at, "must be a type name or a non-empty list of them"));
                        continue;
                    }
                };
                for n in names {
                    if !n.as_str().is_some_and(|s| TYPES.contains(&s)) {
                        out.push(problem(&at, format!("must name types among: {}", TYPES.join(", "))));
                        break;
                    }
                }
            }
            "properties" => match v.as_object() {
                Some(props) => {
                    for (name, sub) in props {
                        check_node(sub, &format!("{at}.{name}"), depth + 1, out);
                    }
                }
                None => out.push(problem(&at, "must be an object of schemas")),
            },
            "required" => {
                if !v.as_array().is_some_and(|a| a.iter().all(Value::is_string)) {
                    out.push(problem(&at, "must be a list of property names"));
                }
            }
            "enum" => {
                if v.as_array().is_none_or(|a| a.is_empty()) {
                    out.push(problem(&at, "must be a non-empty list of values"));
                }
            }
            "minimum" | "maximum" => {
                if !v.is_number() {
                    out.push(problem(&at, "must be a number"));
                }
            }
            "minLength" | "maxLength" => {
                if !is_nonneg_int(v) {
                    out.push(problem(&at, "must be a whole number ≥ 0"));
                }
            }
            "pattern" => match v.as_str() {
                Some(p) if p.chars().count() <= MAX_PATTERN && compile(p).is_some() => {}
                _ => out.push(problem(
                    &at,
                    format!("must be a valid regular expression of at most {MAX_PATTERN} characters"),
                )),
            },
            "format" => {
                if !v.as_str().is_some_and(|f| FORMATS.contains(&f)) {
                    out.push(problem(&at, format!("must be one of: {}", FORMATS.join(", "))));
                }
            }
            "additionalProperties" => {
                if !v.is_boolean() {
                    check_node(v, &at, depth + 1, out);
                }
            }
            "items" => check_node(v, &at, depth + 1, out),
            "title" | "description" => {
                if !v.is_string() {
                    out.push(problem(&at, "must be a string"));
                }
            }
            _ => out.push(problem(
                &at,
                format!("is not a supported keyword; use only: {}", KEYWORDS.join(", ")),
            )),
        }
    }
    if let (Some(min), Some(max)) = (
        obj.get("minimum").and_then(Value::as_f64),
        obj.get("maximum").and_then(Value::as_f64),
    ) && min > max
    {
        out.push(problem(&format!("{path}.minimum"), "must not exceed maximum"));
    }
}

fn compile(pattern: &str) -> Option<Regex> {
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().ok()
}

/// Validates `value` (a CI's `attributes`) against `schema`, which [`check_schema`] accepted.
/// Every problem is named by its path under `attributes`.
pub fn validate(schema: &Value, value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    validate_node(schema, value, "attributes", &mut out);
    out
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => is_integer(v),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn is_integer(v: &Value) -> bool {
    v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// "an integer ≥ 1", "a number from 0 to 10", "a string".
fn describe(obj: &Map<String, Value>, types: &[&str]) -> String {
    let noun = match types {
        [t] => match *t {
            "integer" => "an integer".to_owned(),
            "number" => "a number".to_owned(),
            "string" => "a string".to_owned(),
            "boolean" => "true or false".to_owned(),
            "object" => "an object".to_owned(),
            "array" => "a list".to_owned(),
            _ => "null".to_owned(),
        },
        many => format!("of type {}", many.join(" or ")),
    };
    let min = obj.get("minimum").and_then(Value::as_f64);
    let max = obj.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(a), Some(b)) => format!("{noun} from {} to {}", num(a), num(b)),
        (Some(a), None) => format!("{noun} ≥ {}", num(a)),
        (None, Some(b)) => format!("{noun} ≤ {}", num(b)),
        (None, None) => noun,
    }
}

fn validate_node(schema: &Value, v: &Value, path: &str, out: &mut Vec<Problem>) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| type_matches(t, v)) {
        out.push(problem(path, format!("must be {}", describe(obj, &types))));
        return;
    }
    if let Some(allowed) = obj.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        out.push(problem(path, format!("must be one of: {}", list.join(", "))));
        return;
    }
    if let Some(n) = v.as_f64() {
        let low = obj.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m);
        let high = obj.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m);
        if low || high {
            let types = if types.is_empty() { vec!["number"] } else { types };
            out.push(problem(path, format!("must be {}", describe(obj, &types))));
            return;
        }
    }
    if let Some(s) = v.as_str() {
        string_checks(obj, s, path, out);
    }
    if let Some(items) = v.as_array()
        && let Some(item_schema) = obj.get("items")
    {
        for (i, item) in items.iter().enumerate() {
            validate_node(item_schema, item, &format!("{path}[{i}]"), out);
        }
    }
    if let Some(map) = v.as_object() {
        object_checks(obj, map, path, out);
    }
}

fn string_checks(obj: &Map<String, Value>, s: &str, path: &str, out: &mut Vec<Problem>) {
    let len = s.chars().count() as u64;
    let min = obj.get("minLength").and_then(Value::as_u64);
    let max = obj.get("maxLength").and_then(Value::as_u64);
    if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
        let msg = match (min, max) {
            (Some(a), Some(b)) => format!("must be {a} to {b} characters"),
            (Some(a), None) => format!("must be at least {a} characters"),
            (_, Some(b)) => format!("must be at most {b} characters"),
            (None, None) => String::new(),
        };
        out.push(problem(path, msg));
        return;
    }
    if let Some(p) = obj.get("pattern").and_then(Value::as_str)
        && !compile(p).is_some_and(|re| re.is_match(s))
    {
        out.push(problem(path, format!("must match the pattern {p}")));
        return;
    }
    if let Some(f) = obj.get("format").and_then(Value::as_str)
        && !format_ok(f, s)
    {
        let what = match f {
            "date-time" => "an RFC 3339 date-time",
            "ipv4" => "an IPv4 address",
            "uri" => "a URI with a scheme",
            _ => "an email address",
        };
        out.push(problem(path, format!("must be {what}")));
    }
}

fn object_checks(obj: &Map<String, Value>, map: &Map<String, Value>, path: &str, out: &mut Vec<Problem>) {
    let props = obj.get("properties").and_then(Value::as_object);
    if let Some(required) = obj.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                out.push(problem(&format!("{path}.{name}"), "is required"));
            }
        }
    }
    for (k, item) in map {
        let at = format!("{path}.{k}");
        match props.and_then(|p| p.get(k)) {
            Some(sub) => validate_node(sub, item, &at, out),
            None => match obj.get("additionalProperties") {
                Some(Value::Bool(false)) => out.push(problem(&at, "is not an attribute of this class")),
                Some(sub @ Value::Object(_)) => validate_node(sub, item, &at, out),
                _ => {}
            },
        }
    }
}

/// Whether `s` has the `format` `f`.
pub fn format_ok(f: &str, s: &str) -> bool {
    match f {
        "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "uri" => {
            let Some((scheme, rest)) = s.split_once(':') else {
                return false;
            };
            let mut sc = scheme.chars();
            sc.next().is_some_and(|c| c.is_ascii_alphabetic())
                && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        "email" => crate::validate::email("email", s).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use serde_json::json;

    fn server() -> Value {
        json!({"type": "object", "required": ["os"], "additionalProperties": false, "properties": {
            "os": {"type": "string", "minLength": 1, "maxLength": 20},
            "cpu_cores": {"type": "integer", "minimum": 1},
            "ram_gb": {"type": "number", "minimum": 0, "maximum": 4096},
            "ip_address": {"type": "string", "format": "ipv4"},
            "seen": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
            "mail": {"type": "string", "format": "email"},
            "host": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            "tier": {"enum": ["gold", "silver"]},
            "ports": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 65535}},
            "on": {"type": "boolean"},
            "extra": {"type": ["string", "null"]},
            "nested": {"type": "object", "properties": {"a": {"type": "integer"}}}
        }})
    }

    #[rstest]
    #[case::all_good(json!({"os": "Ubuntu", "cpu_cores": 8, "ram_gb": 31.5, "ip_address": "10.0.1.50"}), None)]
    #[case::integer_as_float(json!({"os": "x", "cpu_cores": 4.0}), None)]
    #[case::cpu_zero(json!({"os": "x", "cpu_cores": 0}), Some(("attributes.cpu_cores", "must be an integer ≥ 1")))]
    #[case::cpu_fraction(json!({"os": "x", "cpu_cores": 1.5}), Some(("attributes.cpu_cores", "must be an integer ≥ 1")))]
    #[case::cpu_text(json!({"os": "x", "cpu_cores": "8"}), Some(("attributes.cpu_cores", "must be an integer ≥ 1")))]
    #[case::ram_too_big(json!({"os": "x", "ram_gb": 5000}), Some(("attributes.ram_gb", "must be a number from 0 to 4096")))]
    #[case::missing_required(json!({"cpu_cores": 2}), Some(("attributes.os", "is required")))]
    #[case::os_empty(json!({"os": ""}), Some(("attributes.os", "must be 1 to 20 characters")))]
    #[case::os_long(json!({"os": "x".repeat(21)}), Some(("attributes.os", "must be 1 to 20 characters")))]
    #[case::bad_ip(json!({"os": "x", "ip_address": "10.0.0.256"}), Some(("attributes.ip_address", "must be an IPv4 address")))]
    #[case::bad_date(json!({"os": "x", "seen": "yesterday"}), Some(("attributes.seen", "must be an RFC 3339 date-time")))]
    #[case::good_date(json!({"os": "x", "seen": "2026-11-30T12:00:00Z"}), None)]
    #[case::bad_uri(json!({"os": "x", "url": "no scheme"}), Some(("attributes.url", "must be a URI with a scheme")))]
    #[case::good_uri(json!({"os": "x", "url": "https://github.com/x/y"}), None)]
    #[case::bad_mail(json!({"os": "x", "mail": "nobody"}), Some(("attributes.mail", "must be an email address")))]
    #[case::bad_pattern(json!({"os": "x", "host": "Web_1"}), Some(("attributes.host", "must match the pattern ^[a-z0-9-]+$")))]
    #[case::bad_enum(json!({"os": "x", "tier": "bronze"}), Some(("attributes.tier", "must be one of: \"gold\", \"silver\"")))]
    #[case::bad_item(json!({"os": "x", "ports": [80, 0]}), Some(("attributes.ports[1]", "must be an integer from 1 to 65535")))]
    #[case::not_bool(json!({"os": "x", "on": "yes"}), Some(("attributes.on", "must be true or false")))]
    #[case::null_allowed(json!({"os": "x", "extra": null}), None)]
    #[case::union_refused(json!({"os": "x", "extra": 1}), Some(("attributes.extra", "must be of type string or null")))]
    #[case::nested(json!({"os": "x", "nested": {"a": "b"}}), Some(("attributes.nested.a", "must be an integer")))]
    #[case::unknown_key(json!({"os": "x", "colour": "red"}), Some(("attributes.colour", "is not an attribute of this class")))]
    fn attributes_are_checked_against_the_schema(#[case] value: Value, #[case] expected: Option<(&str, &str)>) {
        let problems = validate(&server(), &value);
        match expected {
            None => assert!(problems.is_empty(), "{problems:?}"),
            Some((path, message)) => assert_eq!(problems, vec![problem(path, message)]),
        }
    }

    #[rstest]
    #[case::fine(json!({"type": "object", "properties": {"a": {"type": "string", "title": "A"}}}), None)]
    #[case::unsupported_keyword(json!({"type": "object", "oneOf": []}), Some("attribute_schema.oneOf"))]
    #[case::ref_keyword(json!({"properties": {"a": {"$ref": "#/x"}}}), Some("attribute_schema.properties.a.$ref"))]
    #[case::unknown_type(json!({"properties": {"a": {"type": "decimal"}}}), Some("attribute_schema.properties.a.type"))]
    #[case::bad_pattern(json!({"properties": {"a": {"pattern": "("}}}), Some("attribute_schema.properties.a.pattern"))]
    #[case::bad_format(json!({"properties": {"a": {"format": "ipv6"}}}), Some("attribute_schema.properties.a.format"))]
    #[case::negative_length(json!({"properties": {"a": {"maxLength": -1}}}), Some("attribute_schema.properties.a.maxLength"))]
    #[case::empty_enum(json!({"properties": {"a": {"enum": []}}}), Some("attribute_schema.properties.a.enum"))]
    #[case::required_not_names(json!({"required": [1]}), Some("attribute_schema.required"))]
    #[case::min_over_max(json!({"properties": {"a": {"minimum": 5, "maximum": 1}}}), Some("attribute_schema.properties.a.minimum"))]
    #[case::not_an_object(json!("string"), Some("attribute_schema"))]
    #[case::top_not_object(json!({"type": "string"}), Some("attribute_schema.type"))]
    #[case::bad_items(json!({"properties": {"a": {"items": {"allOf": []}}}}), Some("attribute_schema.properties.a.items.allOf"))]
    fn schemas_outside_the_subset_are_refused_naming_the_member(#[case] schema: Value, #[case] path: Option<&str>) {
        match (check_schema(&schema), path) {
            (Ok(()), None) => {}
            (Err(problems), Some(p)) => assert_eq!(problems[0].path, p, "{problems:?}"),
            (got, want) => panic!("{got:?}, wanted {want:?}"),
        }
    }

    proptest! {
        #[test]
        fn an_integer_passes_exactly_when_it_is_within_its_bounds(n in -1000i64..1000, min in -100i64..100, span in 0i64..200) {
            let max = min + span;
            let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": min, "maximum": max}}});
            let problems = validate(&schema, &json!({"n": n}));
            prop_assert_eq!(problems.is_empty(), (min..=max).contains(&n));
            if let Some(p) = problems.first() {
                prop_assert_eq!(p.path.as_str(), "attributes.n");
            }
        }

        #[test]
        fn a_string_passes_exactly_when_its_length_is_within_bounds(s in "\\PC{0,30}", min in 0u64..10, max in 10u64..20) {
            let schema = json!({"type": "object", "properties": {"s": {"type": "string", "minLength": min, "maxLength": max}}});
            let len = s.chars().count() as u64;
            prop_assert_eq!(validate(&schema, &json!({"s": s})).is_empty(), len >= min && len <= max);
        }

        #[test]
        fn a_value_of_another_type_is_named_by_its_path(key in "[a-z_]{1,10}", v in prop_oneof![
            Just(json!(1)), Just(json!(1.5)), Just(json!(true)), Just(json!(null)), Just(json!([1])), Just(json!({"a": 1}))
        ]) {
            let schema = json!({"type": "object", "properties": {key.clone(): {"type": "string"}}});
            let problems = validate(&schema, &json!({key.clone(): v}));
            prop_assert_eq!(problems, vec![problem(&format!("attributes.{key}"), "must be a string")]);
        }
    }
}
