//! `/api/v1/auth/mfa`: TOTP multi-factor authentication of the signed-in user (enrol,
//! confirm, turn off), and `/api/v1/users/{id}/mfa` for an administrator's reset. Answers that
//! carry a secret or recovery codes are sent with `Cache-Control: no-store`
//! (`middleware::NO_STORE`).

use crate::AppState;
use crate::dto::WriteErrors;
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A pending enrolment, for the authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct MfaEnrollmentResponse {
    /// The shared secret, base32, for typing into the app.
    pub secret: String,
    /// `otpauth://totp/…` URI to render as a QR code.
    pub otpauth_uri: String,
}

/// A first code from the authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmMfaRequest {
    /// The 6 digits the app shows now.
    #[schema(min_length = 6, max_length = 6, pattern = "^[0-9]{6}$")]
    pub code: String,
}

/// The recovery codes of a newly enabled MFA, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct MfaRecoveryCodesResponse {
    /// Ten single-use codes to sign in without the app; store them safely.
    pub recovery_codes: Vec<String>,
}

/// The password that authorises turning MFA off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableMfaRequest {
    /// Your current password.
    pub password: String,
}

/// Starts enrolling in MFA: a new secret and its otpauth URI. Replaces a pending enrolment;
/// 409 when MFA is already on.
#[utoipa::path(post, path = "/api/v1/auth/mfa/enroll", tag = "auth", operation_id = "enroll_mfa",
    security(("bearer" = [])),
    responses((status = 200, description = "A pending enrolment", body = MfaEnrollmentResponse), WriteErrors))]
pub async fn enroll_mfa(
    State(state): State<AppState>,
    Auth(ctx): Auth,
) -> ApiResult<axum::Json<MfaEnrollmentResponse>> {
    let e = state.services.enroll_mfa(&ctx).await?;
    Ok(axum::Json(MfaEnrollmentResponse {
        secret: e.secret,
        otpauth_uri: e.otpauth_uri,
    }))
}

/// Turns MFA on with a current code from the app; answers the recovery codes, once.
#[utoipa::path(post, path = "/api/v1/auth/mfa/confirm", tag = "auth", operation_id = "confirm_mfa",
    security(("bearer" = [])), request_body = ConfirmMfaRequest,
    responses((status = 200, description = "MFA is on", body = MfaRecoveryCodesResponse), WriteErrors))]
pub async fn confirm_mfa(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<ConfirmMfaRequest>,
) -> ApiResult<axum::Json<MfaRecoveryCodesResponse>> {
    let recovery_codes = state.services.confirm_mfa(&ctx, &body.code).await?;
    Ok(axum::Json(MfaRecoveryCodesResponse { recovery_codes }))
}

/// Turns your MFA off; needs your password.
#[utoipa::path(delete, path = "/api/v1/auth/mfa", tag = "auth", operation_id = "disable_mfa",
    security(("bearer" = [])), request_body = DisableMfaRequest,
    responses((status = 204, description = "MFA is off"), WriteErrors))]
pub async fn disable_mfa(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<DisableMfaRequest>,
) -> ApiResult<StatusCode> {
    state.services.disable_mfa(&ctx, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a user's MFA, for one who lost their authenticator and recovery codes.
#[utoipa::path(delete, path = "/api/v1/users/{id}/mfa", tag = "users", operation_id = "reset_user_mfa",
    security(("bearer" = ["users:admin"])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204, description = "The user's MFA is off"), WriteErrors))]
pub async fn reset_user_mfa(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.services.reset_mfa(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(enroll_mfa))
        .routes(routes!(confirm_mfa))
        .routes(routes!(reset_user_mfa))
}

/// This module's routes that spend the per-IP sign-in budget (they check a password).
pub fn login_budget() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(disable_mfa))
}
