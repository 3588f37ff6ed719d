//! A list endpoint's query parameters in the OpenAPI document, derived from the same
//! [`ListSpec`] that parses them, so the two cannot drift apart. A route file declares its
//! list's query once with [`list_query!`](crate::list_query): the marker type names the spec
//! for the handler (`RoleListQuery::parse(&q)`) and for the operation
//! (`params(RoleListQuery)`).

use firelater_core::list::{FilterKind, FilterSpec, ListSpec, MAX_PER_PAGE, Order};
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};

/// The largest page number a client may ask for (as [`ListSpec::parse`] checks).
const MAX_PAGE: u64 = 1_000_000;
/// The longest `q` [`ListSpec::parse`] accepts.
const MAX_Q: usize = 200;
/// The longest text filter value [`ListSpec::parse`] accepts.
const MAX_TEXT: usize = 255;

fn query(name: &str, description: String, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.build()))
        .build()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A pattern matching one or more of `values`, comma-separated.
fn comma_list(values: &[&str]) -> String {
    let one = values.join("|");
    format!("^({one})(,({one}))*$")
}

fn backticked(values: &[&str]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn filter(f: &FilterSpec) -> Parameter {
    let (hint, schema) = match f.kind {
        FilterKind::Text => (
            "1 to 255 characters, matched exactly.".to_owned(),
            string().min_length(Some(1)).max_length(Some(MAX_TEXT)),
        ),
        FilterKind::Enum(values) => (
            format!("One or more of {}, comma-separated.", backticked(values)),
            string().pattern(Some(comma_list(values))),
        ),
        FilterKind::Uuid => (
            "An id.".to_owned(),
            string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
        ),
        FilterKind::Bool => (
            "`true` or `false`.".to_owned(),
            ObjectBuilder::new().schema_type(Type::Boolean),
        ),
        FilterKind::JsonKey => (
            "Replace `<key>` by the key (1 to 64 letters, digits or _); the value, 1 to 255 characters, is matched exactly against the member rendered as text. Several are ANDed.".to_owned(),
            string().min_length(Some(1)).max_length(Some(MAX_TEXT)),
        ),
        FilterKind::After | FilterKind::Before => (
            "An RFC 3339 instant.".to_owned(),
            string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        ),
    };
    let name = if f.kind == FilterKind::JsonKey {
        format!("{}<key>", f.param)
    } else {
        f.param.to_owned()
    };
    query(&name, format!("{} {hint}", f.description), schema)
}

/// The query parameters a list endpoint with `spec` accepts: `page`, `per_page`, `sort` (an
/// enum of the sortable columns), `order`, each filter, `include` when there is anything to
/// include and `q` when the list is searchable. `fields` is accepted but not documented: a
/// sparse answer leaves out members the response schema requires, so a client generated from
/// the document could not trust its types (docs/API-DESIGN.md).
pub fn parameters(spec: &ListSpec) -> Vec<Parameter> {
    let default_order = match spec.default_order {
        Order::Asc => "asc",
        Order::Desc => "desc",
    };
    let mut out = vec![
        query(
            "page",
            "Page number, from 1.".into(),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(MAX_PAGE as f64)),
        ),
        query(
            "per_page",
            format!("Page size, 1 to {MAX_PER_PAGE}."),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(MAX_PER_PAGE as f64)),
        ),
        query(
            "sort",
            format!("Sort column; `{}` when absent.", spec.default_sort),
            string().enum_values(Some(spec.sortable.iter().copied())),
        ),
        query(
            "order",
            format!("Sort direction; `{default_order}` when absent."),
            string().enum_values(Some(["asc", "desc"])),
        ),
    ];
    out.extend(spec.filters.iter().map(filter));
    out.extend(include(spec));
    if spec.searchable {
        out.push(query("q", "Text search.".into(), string().max_length(Some(MAX_Q))));
    }
    out
}

/// The `include` parameter of `spec`, for an endpoint of one item that takes only that.
pub fn include(spec: &ListSpec) -> Option<Parameter> {
    (!spec.includes.is_empty()).then(|| {
        query(
            "include",
            format!("Relations to embed, comma-separated: {}.", backticked(spec.includes)),
            string().pattern(Some(comma_list(spec.includes))),
        )
    })
}

/// Declares a marker type for a list query: `list_query!(RoleListQuery = LIST)` gives
/// `RoleListQuery::parse(&q)` for the handler and `params(RoleListQuery)` for its
/// `#[utoipa::path]`, both from the one [`ListSpec`]. `list_query!(include UserGetQuery = GET)`
/// documents only `include`, for an endpoint of one item.
#[macro_export]
macro_rules! list_query {
    ($(#[$meta:meta])* $vis:vis $name:ident = $spec:expr) => {
        $crate::list_query!(@marker $(#[$meta])* $vis $name = $spec, $crate::list_doc::parameters);
    };
    ($(#[$meta:meta])* include $vis:vis $name:ident = $spec:expr) => {
        $crate::list_query!(@marker $(#[$meta])* $vis $name = $spec, |s| $crate::list_doc::include(s).into_iter().collect());
    };
    (@marker $(#[$meta:meta])* $vis:vis $name:ident = $spec:expr, $params:expr) => {
        $(#[$meta])*
        $vis struct $name;

        impl $name {
            /// The list's one declaration.
            pub const SPEC: &'static firelater_core::list::ListSpec = &$spec;

            /// Parses the query with [`Self::SPEC`]; a wrong parameter is a 422 naming it.
            pub fn parse(
                q: &$crate::extract::QueryPairs,
            ) -> Result<firelater_core::list::ListParams, $crate::error::ApiError> {
                $crate::extract::list_params(Self::SPEC, q)
            }
        }

        impl utoipa::IntoParams for $name {
            fn into_params(
                _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                let params: fn(&firelater_core::list::ListSpec) -> Vec<utoipa::openapi::path::Parameter> = $params;
                params(Self::SPEC)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use firelater_core::list::FilterSpec;

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
                param: "is_system",
                column: "is_system",
                kind: FilterKind::Bool,
                description: "System ones (`true`) or the others (`false`).",
            },
            FilterSpec {
                param: "owner_id",
                column: "owner_id",
                kind: FilterKind::Uuid,
                description: "Owned by this user.",
            },
            FilterSpec {
                param: "email",
                column: "email",
                kind: FilterKind::Text,
                description: "Exact email.",
            },
            FilterSpec {
                param: "created_after",
                column: "created_at",
                kind: FilterKind::After,
                description: "Created at or after this instant.",
            },
            FilterSpec {
                param: "created_before",
                column: "created_at",
                kind: FilterKind::Before,
                description: "Created before this instant.",
            },
        ],
        fields: &["id", "name"],
        includes: &["roles"],
        searchable: true,
    };

    /// A value the documented schema allows, as a client would send it.
    fn example(p: &Parameter) -> String {
        let schema = serde_json::to_value(&p.schema).expect("schema");
        if let Some(first) = schema["enum"].get(0) {
            return first.as_str().expect("string enum").to_owned();
        }
        match (
            schema["type"].as_str(),
            schema["format"].as_str(),
            schema["pattern"].as_str(),
        ) {
            (Some("integer"), _, _) => "1".into(),
            (Some("boolean"), _, _) => "true".into(),
            (_, Some("uuid"), _) => uuid::Uuid::nil().to_string(),
            (_, Some("date-time"), _) => "2026-01-01T00:00:00Z".into(),
            (_, _, Some(pattern)) => pattern
                .trim_start_matches("^(")
                .split(['|', ')'])
                .next()
                .expect("first alternative")
                .to_owned(),
            _ => "x".into(),
        }
    }

    #[test]
    fn every_documented_parameter_is_accepted_with_a_documented_value() {
        let params = parameters(&SPEC);
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "page",
                "per_page",
                "sort",
                "order",
                "status",
                "is_system",
                "owner_id",
                "email",
                "created_after",
                "created_before",
                "include",
                "q"
            ]
        );
        for p in &params {
            let pair = vec![(p.name.clone(), example(p))];
            assert!(SPEC.parse(&pair).is_ok(), "{pair:?} is documented but refused");
        }
    }

    #[test]
    fn include_and_q_are_documented_only_when_the_spec_takes_them_and_fields_never() {
        let bare = ListSpec {
            fields: &[],
            includes: &[],
            searchable: false,
            filters: &[],
            ..SPEC
        };
        let names: Vec<String> = parameters(&bare).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["page", "per_page", "sort", "order"]);
        assert!(include(&bare).is_none());
        assert_eq!(include(&SPEC).map(|p| p.name), Some("include".to_owned()));
    }

    #[test]
    fn sort_is_an_enum_of_exactly_the_sortable_columns() {
        let params = parameters(&SPEC);
        let sort = params.iter().find(|p| p.name == "sort").expect("sort");
        let schema = serde_json::to_value(&sort.schema).expect("schema");
        assert_eq!(schema["enum"], serde_json::json!(["created_at", "name"]));
    }
}
