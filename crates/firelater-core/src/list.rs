//! The list conventions every collection endpoint shares: `page`/`per_page` (max 100),
//! `sort`/`order` checked against an allow-list, field filters, `fields=`, `include=` and `q`.
//! Parsing is pure so the rules are the same on every endpoint and testable without HTTP.

use crate::error::{Error, ErrorCode, FieldErrors, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The largest page a client may ask for.
pub const MAX_PER_PAGE: u64 = 100;
/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 25;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// How a filter parameter compares with its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// Exact text match.
    Text,
    /// One or more of a fixed set of values, comma-separated.
    Enum(&'static [&'static str]),
    /// Exact UUID match.
    Uuid,
    /// `true` or `false`.
    Bool,
    /// The column is at or after an RFC 3339 instant.
    After,
    /// The column is before an RFC 3339 instant.
    Before,
    /// A family of parameters `<param><key>` (the spec's `param` is the prefix, e.g.
    /// `attr.`), each matching rows whose JSON object column holds `value` (rendered as text)
    /// at `key`; `key` matches `^[A-Za-z0-9_]{1,64}$`. Several are ANDed.
    JsonKey,
}

/// One filter a resource accepts: the query parameter, its column and how it compares.
#[derive(Debug, Clone, Copy)]
pub struct FilterSpec {
    /// The query parameter name.
    pub param: &'static str,
    /// The database column it filters.
    pub column: &'static str,
    /// How it compares.
    pub kind: FilterKind,
    /// What it selects, for the API's documentation, e.g. "Only groups managed by this
    /// user."; the documentation adds how to write the value.
    pub description: &'static str,
}

impl FilterSpec {
    /// `created_after`: rows created at or after an instant; every resource with
    /// `created_at` takes it.
    pub const CREATED_AFTER: FilterSpec = FilterSpec {
        param: "created_after",
        column: "created_at",
        kind: FilterKind::After,
        description: "Created at or after this instant.",
    };

    /// `created_before`: rows created before an instant.
    pub const CREATED_BEFORE: FilterSpec = FilterSpec {
        param: "created_before",
        column: "created_at",
        kind: FilterKind::Before,
        description: "Created before this instant.",
    };
}

/// What a resource's list endpoint accepts.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    /// Columns a client may sort by.
    pub sortable: &'static [&'static str],
    /// The sort when none is given.
    pub default_sort: &'static str,
    /// The order when none is given.
    pub default_order: Order,
    /// Accepted filters.
    pub filters: &'static [FilterSpec],
    /// Fields a client may select with `fields=`.
    pub fields: &'static [&'static str],
    /// Relations a client may embed with `include=`.
    pub includes: &'static [&'static str],
    /// Whether `q` (text search) is accepted.
    pub searchable: bool,
}

/// A parsed filter value.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    /// Exact text.
    Text(String),
    /// Any of these values.
    AnyOf(Vec<String>),
    /// Exact UUID.
    Uuid(Uuid),
    /// A boolean.
    Bool(bool),
    /// At or after this instant.
    After(DateTime<Utc>),
    /// Before this instant.
    Before(DateTime<Utc>),
    /// The JSON object column's member `key`, rendered as text, equals `value`.
    JsonKey {
        /// The member.
        key: String,
        /// The text it must equal.
        value: String,
    },
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// The database column.
    pub column: &'static str,
    /// The comparison and its value.
    pub value: FilterValue,
}

/// A validated list request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListParams {
    /// 1-based page number.
    pub page: u64,
    /// Page size, 1..=100.
    pub per_page: u64,
    /// Sort column, from the allow-list.
    pub sort: &'static str,
    /// Sort direction.
    pub order: Order,
    /// Filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// Selected fields; `None` means all.
    pub fields: Option<Vec<&'static str>>,
    /// Relations to embed.
    pub include: Vec<&'static str>,
    /// Text search.
    pub q: Option<String>,
}

impl ListParams {
    /// Rows to skip for this page.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    /// Whether `include=` asked for `name`.
    pub fn includes(&self, name: &str) -> bool {
        self.include.contains(&name)
    }
}

/// One page of results with the total count.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Total matching items.
    pub total: u64,
}

impl<T> Page<T> {
    /// Maps every item, keeping the paging.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }

    /// Maps every item with a fallible `f`, keeping the paging.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> std::result::Result<U, E>) -> std::result::Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<std::result::Result<_, E>>()?,
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        })
    }
}

fn pick(allowed: &'static [&'static str], value: &str) -> Option<&'static str> {
    allowed.iter().copied().find(|a| *a == value)
}

fn parse_u64(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok()
}

impl ListSpec {
    /// Parses query pairs into [`ListParams`]; every wrong parameter is named in the error.
    pub fn parse(&self, pairs: &[(String, String)]) -> Result<ListParams> {
        let mut errors = FieldErrors::new();
        let mut err = |k: &str, m: String| errors.entry(k.to_owned()).or_default().push(m);
        let mut params = ListParams {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            sort: self.default_sort,
            order: self.default_order,
            filters: Vec::new(),
            fields: None,
            include: Vec::new(),
            q: None,
        };
        let mut seen = std::collections::HashSet::new();
        for (key, value) in pairs {
            if !seen.insert(key.as_str()) {
                err(key, "must be given at most once".into());
                continue;
            }
            match key.as_str() {
                "page" => match parse_u64(value) {
                    Some(p) if (1..=1_000_000).contains(&p) => params.page = p,
                    _ => err("page", "must be a whole number from 1 to 1000000".into()),
                },
                "per_page" => match parse_u64(value) {
                    Some(p) if (1..=MAX_PER_PAGE).contains(&p) => params.per_page = p,
                    _ => err("per_page", format!("must be a whole number from 1 to {MAX_PER_PAGE}")),
                },
                "sort" => match pick(self.sortable, value) {
                    Some(s) => params.sort = s,
                    None => err("sort", format!("must be one of: {}", self.sortable.join(", "))),
                },
                "order" => match value.as_str() {
                    "asc" => params.order = Order::Asc,
                    "desc" => params.order = Order::Desc,
                    _ => err("order", "must be asc or desc".into()),
                },
                "fields" => {
                    let mut chosen = Vec::new();
                    for f in value.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                        match pick(self.fields, f) {
                            Some(f) => chosen.push(f),
                            None => err(
                                "fields",
                                format!("unknown field {f}; one of: {}", self.fields.join(", ")),
                            ),
                        }
                    }
                    params.fields = Some(chosen);
                }
                "include" => {
                    for i in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                        match pick(self.includes, i) {
                            Some(i) => params.include.push(i),
                            None if self.includes.is_empty() => {
                                err("include", "this resource has nothing to include".into())
                            }
                            None => err(
                                "include",
                                format!("unknown relation {i}; one of: {}", self.includes.join(", ")),
                            ),
                        }
                    }
                }
                "q" if self.searchable => {
                    let q = value.trim();
                    if q.chars().count() > 200 {
                        err("q", "must be at most 200 characters".into());
                    } else if !q.is_empty() {
                        params.q = Some(q.to_owned());
                    }
                }
                other => match self
                    .filters
                    .iter()
                    .find(|f| f.param == other || (f.kind == FilterKind::JsonKey && other.starts_with(f.param)))
                {
                    Some(spec) if spec.kind == FilterKind::JsonKey => {
                        let key = &other[spec.param.len()..];
                        let ok_key =
                            (1..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                        if !ok_key {
                            err(other, "the key must be 1 to 64 letters, digits or _".into());
                        } else if value.is_empty() || value.len() > 255 {
                            err(other, "must be 1 to 255 characters".into());
                        } else {
                            params.filters.push(Filter {
                                column: spec.column,
                                value: FilterValue::JsonKey {
                                    key: key.to_owned(),
                                    value: value.clone(),
                                },
                            });
                        }
                    }
                    Some(spec) => match parse_filter(spec, value) {
                        Ok(value) => params.filters.push(Filter {
                            column: spec.column,
                            value,
                        }),
                        Err(m) => err(other, m),
                    },
                    None => err(other, "unknown query parameter".into()),
                },
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            let mut e = Error::validation(errors);
            e.code = ErrorCode::InvalidQuery;
            Err(e)
        }
    }
}

fn parse_filter(spec: &FilterSpec, value: &str) -> std::result::Result<FilterValue, String> {
    let value = value.trim();
    match spec.kind {
        FilterKind::Text if value.is_empty() || value.len() > 255 => Err("must be 1 to 255 characters".into()),
        FilterKind::Text => Ok(FilterValue::Text(value.to_owned())),
        FilterKind::Enum(allowed) => {
            let mut out = Vec::new();
            for v in value.split(',').map(str::trim) {
                match pick(allowed, v) {
                    Some(v) => out.push(v.to_owned()),
                    None => return Err(format!("must be one or more of: {}", allowed.join(", "))),
                }
            }
            Ok(FilterValue::AnyOf(out))
        }
        FilterKind::Uuid => Uuid::parse_str(value)
            .map(FilterValue::Uuid)
            .map_err(|_| "must be a UUID".into()),
        FilterKind::Bool => match value {
            "true" => Ok(FilterValue::Bool(true)),
            "false" => Ok(FilterValue::Bool(false)),
            _ => Err("must be true or false".into()),
        },
        FilterKind::JsonKey => Err("takes a key after its prefix".into()),
        FilterKind::After | FilterKind::Before => {
            let t = DateTime::parse_from_rfc3339(value)
                .map_err(|_| "must be an RFC 3339 date-time".to_owned())?
                .with_timezone(&Utc);
            Ok(if spec.kind == FilterKind::After {
                FilterValue::After(t)
            } else {
                FilterValue::Before(t)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const SPEC: ListSpec = ListSpec {
        sortable: &["created_at", "name"],
        default_sort: "created_at",
        default_order: Order::Desc,
        filters: &[
            FilterSpec {
                param: "status",
                column: "status",
                kind: FilterKind::Enum(&["active", "inactive"]),
                description: "In these states.",
            },
            FilterSpec {
                param: "created_after",
                column: "created_at",
                kind: FilterKind::After,
                description: "Created at or after this instant.",
            },
        ],
        fields: &["id", "name"],
        includes: &["roles"],
        searchable: true,
    };

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        let p = SPEC.parse(&[]).expect("empty query is valid");
        assert_eq!(
            (p.page, p.per_page, p.sort, p.order),
            (1, 25, "created_at", Order::Desc)
        );
    }

    #[rstest]
    #[case::over_100("per_page", "101")]
    #[case::negative("per_page", "-1")]
    #[case::zero("per_page", "0")]
    #[case::not_a_number("per_page", "abc")]
    #[case::overflowing("per_page", "99999999999999999999999")]
    #[case::page_zero("page", "0")]
    #[case::page_over_a_million("page", "1000001")]
    #[case::sort_outside_the_allow_list("sort", "password_hash")]
    #[case::order_sideways("order", "sideways")]
    #[case::q_over_200_characters("q", &"x".repeat(201))]
    #[case::given_twice_is_named_too("fields", "id")]
    fn a_wrong_paging_or_sorting_parameter_is_rejected_naming_it(#[case] param: &str, #[case] bad: &str) {
        let mut pairs = q(&[(param, bad)]);
        if param == "fields" {
            pairs.push(("fields".into(), "name".into()));
        }
        let e = SPEC.parse(&pairs).expect_err(bad);
        assert_eq!(e.code, ErrorCode::InvalidQuery);
        assert_eq!(e.fields.keys().collect::<Vec<_>>(), [param], "{param}={bad}");
    }

    #[rstest]
    #[case("page", "1000000")]
    #[case("per_page", "100")]
    #[case("per_page", "1")]
    #[case("q", "")]
    #[case("fields", "")]
    fn a_parameter_at_its_limit_is_accepted(#[case] param: &str, #[case] value: &str) {
        assert!(SPEC.parse(&q(&[(param, value)])).is_ok(), "{param}={value}");
    }

    #[test]
    fn enum_filter_takes_a_comma_list() {
        let p = SPEC.parse(&q(&[("status", "active,inactive")])).expect("valid");
        assert_eq!(
            p.filters[0].value,
            FilterValue::AnyOf(vec!["active".into(), "inactive".into()])
        );
        assert!(SPEC.parse(&q(&[("status", "deleted")])).is_err());
    }

    #[test]
    fn unknown_parameters_fields_and_includes_are_named() {
        let e = SPEC
            .parse(&q(&[("stauts", "x"), ("fields", "id,secret"), ("include", "tenant")]))
            .expect_err("three bad");
        assert!(e.fields.contains_key("stauts"));
        assert!(e.fields.contains_key("fields"));
        assert!(e.fields.contains_key("include"));
    }

    #[test]
    fn date_filters_need_rfc3339() {
        assert!(SPEC.parse(&q(&[("created_after", "yesterday")])).is_err());
        let p = SPEC
            .parse(&q(&[("created_after", "2026-01-01T00:00:00Z")]))
            .expect("valid");
        assert!(matches!(p.filters[0].value, FilterValue::After(_)));
    }

    #[test]
    fn a_json_key_family_takes_any_valid_key_and_names_a_bad_one() {
        const ATTR: ListSpec = ListSpec {
            filters: &[FilterSpec {
                param: "attr.",
                column: "attributes",
                kind: FilterKind::JsonKey,
                description: "Attribute equals.",
            }],
            ..SPEC
        };
        let p = ATTR
            .parse(&q(&[("attr.os", "Ubuntu 22.04"), ("attr.cpu_cores", "8")]))
            .expect("valid");
        assert_eq!(
            p.filters[0].value,
            FilterValue::JsonKey {
                key: "os".into(),
                value: "Ubuntu 22.04".into()
            }
        );
        assert_eq!(p.filters.len(), 2);
        for bad in ["attr.", "attr.a-b", "attr.a.b"] {
            let e = ATTR.parse(&q(&[(bad, "x")])).expect_err(bad);
            assert_eq!(e.fields.keys().collect::<Vec<_>>(), [bad]);
        }
        assert!(SPEC.parse(&q(&[("attr.os", "x")])).is_err(), "only where declared");
    }

    #[test]
    fn offset_follows_page_and_size() {
        let p = SPEC.parse(&q(&[("page", "3"), ("per_page", "10")])).expect("valid");
        assert_eq!(p.offset(), 20);
    }
}
