//! The one error type of FireLater. Every failure a caller can act on has a stable snake_case
//! [`ErrorCode`]; the HTTP layer maps its [`ErrorKind`] to a status and renders RFC 9457
//! problem documents, so the same rule yields the same answer on every endpoint.

use std::collections::BTreeMap;
use std::fmt;

/// Field name → human messages, for validation failures.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Result with FireLater's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The class of a failure, which decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request cannot be understood.
    BadRequest,
    /// 401: no valid credentials.
    Unauthenticated,
    /// 403: authenticated, but not allowed.
    Forbidden,
    /// 404: no such object visible to the caller.
    NotFound,
    /// 409: conflicts with the current state.
    Conflict,
    /// 413: body too large.
    PayloadTooLarge,
    /// 414: the request URI is too long.
    UriTooLong,
    /// 415: wrong content type.
    UnsupportedMediaType,
    /// 422: well-formed but invalid.
    Unprocessable,
    /// 429: slow down.
    TooManyRequests,
    /// 431: the request's header fields are too large.
    HeadersTooLarge,
    /// 500: our fault.
    Internal,
    /// 503: a dependency is unavailable.
    Unavailable,
    /// 504/408: took too long.
    Timeout,
}

macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $kind:ident, $title:literal)),* $(,)?) => {
        /// Stable machine-readable error codes; clients may match on their string form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The snake_case string clients see in the `code` member.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            /// The class of failure, which decides the HTTP status.
            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$variant => ErrorKind::$kind),* }
            }

            /// A short human title, the same for every occurrence of the code.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title),* }
            }
        }
    };
}

error_codes! {
    BadRequest => ("bad_request", BadRequest, "Bad request"),
    MalformedJson => ("malformed_json", BadRequest, "Malformed JSON"),
    InvalidQuery => ("invalid_query", BadRequest, "Invalid query parameters"),
    MissingIdempotencyKey => ("idempotency_key_invalid", BadRequest, "Invalid Idempotency-Key"),
    Unauthenticated => ("unauthenticated", Unauthenticated, "Authentication required"),
    InvalidCredentials => ("invalid_credentials", Unauthenticated, "Invalid credentials"),
    InvalidToken => ("invalid_token", Unauthenticated, "Invalid or expired token"),
    SessionRevoked => ("session_revoked", Unauthenticated, "Session is no longer valid"),
    RefreshTokenReused => ("refresh_token_reused", Unauthenticated, "Refresh token reused"),
    MfaRequired => ("mfa_required", Unauthenticated, "Multi-factor code required"),
    MfaCodeInvalid => ("mfa_code_invalid", Unauthenticated, "Invalid multi-factor code"),
    MfaAlreadyEnabled => ("mfa_already_enabled", Conflict, "Multi-factor authentication is already on"),
    MfaNotEnrolled => ("mfa_not_enrolled", Conflict, "Multi-factor authentication is not set up"),
    Forbidden => ("forbidden", Forbidden, "Forbidden"),
    TenantSuspended => ("tenant_suspended", Forbidden, "Tenant suspended"),
    GrantExceedsOwnPermissions => ("grant_exceeds_own_permissions", Forbidden, "You cannot grant permissions you do not hold"),
    GrantRequiresAdmin => ("grant_requires_admin", Forbidden, "Only an administrator can grant the admin role"),
    TargetOutranksActor => ("target_outranks_actor", Forbidden, "The account has as much access as yours or more"),
    LastAdmin => ("last_admin", Conflict, "The tenant's last administrator cannot be removed"),
    UserNotInactive => ("user_not_inactive", Conflict, "Only an inactive user can be reactivated"),
    UserNotPending => ("user_not_pending", Conflict, "Only a pending user can be invited"),
    CsrfCheckFailed => ("csrf_check_failed", Forbidden, "Cross-site request refused"),
    NotFound => ("not_found", NotFound, "Not found"),
    RouteNotFound => ("route_not_found", NotFound, "No such endpoint"),
    MethodNotAllowed => ("method_not_allowed", BadRequest, "Method not allowed"),
    VersionConflict => ("version_conflict", Conflict, "Version conflict"),
    AlreadyExists => ("already_exists", Conflict, "Already exists"),
    RoleIsSystem => ("role_is_system", Conflict, "System roles cannot be deleted"),
    ServiceHasChildren => ("service_has_children", Conflict, "The service has child services"),
    ClassInUse => ("class_in_use", Conflict, "The class still has configuration items"),
    IdempotencyKeyReused => ("idempotency_key_reused", Unprocessable, "Idempotency-Key reused with a different request"),
    IdempotencyInProgress => ("idempotency_in_progress", Conflict, "A request with this Idempotency-Key is in progress"),
    PayloadTooLarge => ("payload_too_large", PayloadTooLarge, "Request body too large"),
    UriTooLong => ("uri_too_long", UriTooLong, "Request URI too long"),
    HeadersTooLarge => ("headers_too_large", HeadersTooLarge, "Request headers too large"),
    UnsupportedMediaType => ("unsupported_media_type", UnsupportedMediaType, "Unsupported media type"),
    ValidationFailed => ("validation_failed", Unprocessable, "Validation failed"),
    InvalidReference => ("invalid_reference", Unprocessable, "Reference to a record that does not exist"),
    RateLimited => ("rate_limited", TooManyRequests, "Too many requests"),
    ServerBusy => ("server_busy", Unavailable, "Server busy"),
    Timeout => ("timeout", Timeout, "Request timed out"),
    Internal => ("internal_error", Internal, "Internal server error"),
    Unavailable => ("unavailable", Unavailable, "Service unavailable"),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure with its code, a human detail and, for validation, the wrong fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A sentence for humans about this occurrence.
    pub detail: String,
    /// Field errors, for validation failures.
    pub fields: FieldErrors,
}

impl Error {
    /// An error with a code and a detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            fields: FieldErrors::new(),
        }
    }

    /// A validation failure on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.into(), vec![message.into()]);
        Self::validation(fields)
    }

    /// A validation failure on several fields.
    pub fn validation(fields: FieldErrors) -> Self {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        Self {
            code: ErrorCode::ValidationFailed,
            detail: format!("invalid fields: {}", names.join(", ")),
            fields,
        }
    }

    /// The object does not exist or the caller may not see it.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// The caller lacks a permission.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    /// An unexpected failure; the detail is logged, never shown to clients.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, detail)
    }

    /// A stale `version` on an update.
    pub fn version_conflict(current: i32) -> Self {
        Self::new(
            ErrorCode::VersionConflict,
            format!("the object was changed by someone else; its current version is {current}"),
        )
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for Error {}

/// Collects field errors and turns them into one validation [`Error`].
#[derive(Debug, Default)]
pub struct Validator {
    fields: FieldErrors,
}

impl Validator {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a message for `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.entry(field.to_owned()).or_default().push(message.into());
    }

    /// Records the field errors of a failed check, keeping the value of a passing one.
    pub fn check<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                for (k, msgs) in e.fields {
                    self.fields.entry(k).or_default().extend(msgs);
                }
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> Result<()> {
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(self.fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
        }
    }

    #[test]
    fn validator_collects_every_field() {
        let mut v = Validator::new();
        v.add("email", "is invalid");
        v.add("name", "is required");
        v.add("email", "is taken");
        let err = v.finish().expect_err("two fields are wrong");
        assert_eq!(err.code, ErrorCode::ValidationFailed);
        assert_eq!(err.fields["email"].len(), 2);
        assert!(err.fields.contains_key("name"));
    }
}
