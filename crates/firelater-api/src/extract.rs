//! Extractors that turn a request into validated inputs, with every rejection a problem
//! document naming what is wrong: [`Json`] (content type, syntax, unknown and missing fields,
//! size), [`Auth`] (bearer token → [`Ctx`]), [`IdPath`] and [`list_params`].

use crate::AppState;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use firelater_core::list::{ListParams, ListSpec};
use firelater_core::{Error, ErrorCode, FieldErrors};
use firelater_service::{Ctx, RequestMeta};
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use uuid::Uuid;

/// A JSON body, strictly checked.
pub struct Json<T>(pub T);

fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let end = start + msg[start..].find('`')?;
    Some(&msg[start..end])
}

/// Turns a serde failure into a problem naming the field.
fn json_error(path: String, e: &serde_json::Error) -> Error {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            Error::new(ErrorCode::MalformedJson, format!("the body is not valid JSON: {e}"))
        }
        Category::Data => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            let field = if path == "." || path.is_empty() {
                if msg.starts_with("missing field") || msg.starts_with("unknown field") {
                    backticked(&msg).unwrap_or("body").to_owned()
                } else {
                    "body".to_owned()
                }
            } else if msg.starts_with("missing field") {
                let leaf = backticked(&msg).unwrap_or_default();
                format!("{path}.{leaf}")
            } else {
                path
            };
            let mut fields = FieldErrors::new();
            fields.insert(field, vec![msg]);
            Error::validation(fields)
        }
    }
}

/// The message for a NUL character, which PostgreSQL cannot store in text.
const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// The path (`name`, `roles[2]`, `settings.theme`) of the first string or object key in
/// `value` that holds a NUL character.
fn nul_path(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => Some(if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, &format!("{}[{i}]", if path.is_empty() { "body" } else { path }))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "\\u0000")))
            } else {
                nul_path(v, &join(k))
            }
        }),
        _ => None,
    }
}

/// Refuses a NUL character anywhere in a JSON body (string values and object keys): SQLite
/// would store it and PostgreSQL refuses it, so it is a 422 naming the field on both.
fn refuse_nul(bytes: &[u8]) -> Result<(), Error> {
    // A raw NUL is invalid JSON already; an escaped one is spelled `\u0000` in some case.
    let escaped = bytes
        .windows(6)
        .any(|w| w[0] == b'\\' && w[1] == b'u' && w[2..].iter().all(|&b| b == b'0'));
    if !escaped {
        return Ok(());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| json_error(String::new(), &e))?;
    match nul_path(&value, "") {
        Some(path) => Err(Error::field(path, NUL_MESSAGE)),
        None => Ok(()),
    }
}

/// Parses a JSON body into `T`; a NUL character in any string or key is a 422 naming it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    refuse_nul(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_error(path, e.inner())
    })?;
    de.end().map_err(|e| json_error(String::new(), &e))?;
    Ok(value)
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return false };
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if !is_json(ct.as_deref()) {
            return Err(Error::new(ErrorCode::UnsupportedMediaType, "send the body as application/json").into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Error::new(
                    ErrorCode::PayloadTooLarge,
                    "the request body is larger than the server accepts",
                )
            } else {
                Error::new(ErrorCode::BadRequest, format!("could not read the body: {rejection}"))
            }
        })?;
        Ok(Json(parse_json(&bytes)?))
    }
}

/// Where the request came from, for the audit log.
pub fn request_meta(parts: &Parts) -> RequestMeta {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    RequestMeta {
        ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
        user_agent: header("user-agent"),
        request_id: header("x-request-id"),
    }
}

/// Where the request came from.
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Meta(request_meta(parts)))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The authenticated caller.
pub struct Auth(pub Ctx);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(Auth(ctx.clone()));
        }
        let token = bearer(parts)
            .ok_or_else(|| Error::new(ErrorCode::Unauthenticated, "send an Authorization: Bearer token"))?;
        let ctx = state.services.authenticate(token, request_meta(parts)).await?;
        parts.extensions.insert(ctx.clone());
        Ok(Auth(ctx))
    }
}

/// The platform operator, authenticated by the platform admin token (never a user's token).
pub struct Platform(pub firelater_service::platform::PlatformCtx);

impl FromRequestParts<AppState> for Platform {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<firelater_service::platform::PlatformCtx>() {
            return Ok(Platform(p.clone()));
        }
        let p = state
            .services
            .authenticate_platform(bearer(parts), request_meta(parts))?;
        Ok(Platform(p))
    }
}

/// A UUID path parameter named `id`; anything else is a 400 naming the parameter.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw): axum::extract::Path<String> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|e| Error::new(ErrorCode::BadRequest, e.body_text()))?;
        Uuid::try_parse(&raw).map(IdPath).map_err(|_| {
            let mut e = Error::field("id", "must be a UUID");
            e.code = ErrorCode::BadRequest;
            e.into()
        })
    }
}

/// The UUIDs of a path with several (`/groups/{id}/members/{userId}`), in the order of
/// `names`; a parameter that is not a UUID is a 400 naming it. For a route's own extractor:
///
/// ```ignore
/// let [group_id, user_id] = path_uuids(parts, state, ["id", "userId"]).await?;
/// ```
pub async fn path_uuids<S: Send + Sync, const N: usize>(
    parts: &mut Parts,
    state: &S,
    names: [&str; N],
) -> Result<[Uuid; N], ApiError> {
    let axum::extract::Path(raw): axum::extract::Path<std::collections::HashMap<String, String>> =
        axum::extract::Path::from_request_parts(parts, state)
            .await
            .map_err(|e| Error::new(ErrorCode::BadRequest, e.body_text()))?;
    let mut ids = [Uuid::nil(); N];
    for (id, name) in ids.iter_mut().zip(names) {
        *id = raw.get(name).and_then(|v| Uuid::try_parse(v).ok()).ok_or_else(|| {
            let mut e = Error::field(name, "must be a UUID");
            e.code = ErrorCode::BadRequest;
            ApiError::from(e)
        })?;
    }
    Ok(ids)
}

/// The query string as ordered pairs.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let pairs = serde_urlencoded_pairs(raw).map_err(|m| Error::new(ErrorCode::InvalidQuery, m))?;
        if let Some((k, _)) = pairs.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return Err(Error::field(k.replace('\0', "%00"), NUL_MESSAGE).into());
        }
        Ok(QueryPairs(pairs))
    }
}

fn serde_urlencoded_pairs(raw: &str) -> Result<Vec<(String, String)>, String> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{raw}")
            .parse()
            .map_err(|_| "the query string is malformed".to_owned())?,
    )
    .map(|q| q.0)
    .map_err(|e| e.body_text())
}

/// Parses the query pairs by a resource's list spec.
pub fn list_params(spec: &ListSpec, q: &QueryPairs) -> Result<ListParams, ApiError> {
    spec.parse(&q.0).map_err(ApiError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields are only deserialized")]
    struct Body {
        name: String,
        age: u32,
    }

    #[test]
    fn unknown_field_is_named() {
        let e = parse_json::<Body>(br#"{"name":"a","age":1,"admin":true}"#).expect_err("unknown field");
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert!(e.fields.contains_key("admin"), "{:?}", e.fields);
    }

    #[test]
    fn missing_field_is_named() {
        let e = parse_json::<Body>(br#"{"name":"a"}"#).expect_err("missing field");
        assert!(e.fields.contains_key("age"), "{:?}", e.fields);
    }

    #[test]
    fn wrong_type_names_its_path() {
        let e = parse_json::<Body>(br#"{"name":"a","age":-4}"#).expect_err("negative");
        assert!(e.fields.contains_key("age"), "{:?}", e.fields);
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        assert_eq!(
            parse_json::<Body>(br#"{"name": "#).expect_err("eof").code,
            ErrorCode::MalformedJson
        );
        assert_eq!(
            parse_json::<Body>(br#"{"name":"a","age":1} x"#)
                .expect_err("trailing")
                .code,
            ErrorCode::MalformedJson
        );
    }

    #[test]
    fn a_nul_character_anywhere_is_refused_naming_its_path() {
        let e = parse_json::<Body>(br#"{"name":"a\u0000b","age":1}"#).expect_err("nul value");
        assert!(e.fields.contains_key("name"), "{:?}", e.fields);
        let e = parse_json::<serde_json::Value>(br#"{"a":{"b":["x","\u0000"]}}"#).expect_err("nested");
        assert!(e.fields.contains_key("a.b[1]"), "{:?}", e.fields);
        let e = parse_json::<serde_json::Value>(br#"{"k\u0000":1}"#).expect_err("nul key");
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert!(
            parse_json::<Body>(br#"{"name":"a\\u0000","age":1}"#).is_ok(),
            "an escaped backslash is fine"
        );
    }

    #[test]
    fn json_content_types_are_recognised() {
        assert!(is_json(Some("application/json; charset=utf-8")));
        assert!(is_json(Some("application/merge-patch+json")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(None));
    }
}
