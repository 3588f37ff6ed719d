//! Passwords, password resets, lockouts and notification preferences.

use crate::AppState;
use crate::dto::{PublicErrors, ReadErrors, WriteErrors};
use crate::error::ApiResult;
use crate::extract::{Auth, IdPath, Json, Meta};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use firelater_service::preferences::{NotificationPreference, Preference};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// Your current password; required to change your own.
    #[serde(default)]
    pub current_password: Option<String>,
    /// The new password: 12+ characters, not a common one.
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// Who forgot their password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// The tenant's slug.
    pub tenant: String,
    /// The account's email.
    pub email: String,
}

/// A reset token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The token from the emailed link.
    pub token: String,
    /// The new password: 12+ characters, not a common one.
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// The answer to a reset request, the same whether or not the account exists.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    /// What happens next.
    pub message: &'static str,
}

/// How one kind of event reaches a user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferenceBody {
    /// `issues`, `problems`, `changes`, `requests`, `approvals`, `oncall`, `health` or `system`.
    pub event_category: String,
    /// e.g. `assigned`, `status_changed`, `sla_warning`.
    pub event_type: String,
    /// Email.
    #[serde(default = "yes")]
    pub email_enabled: bool,
    /// Slack.
    #[serde(default)]
    pub slack_enabled: bool,
    /// SMS.
    #[serde(default)]
    pub sms_enabled: bool,
    /// Push and in-app.
    #[serde(default = "yes")]
    pub push_enabled: bool,
    /// Send at once.
    #[serde(default = "yes")]
    pub instant: bool,
    /// Include in the digest.
    #[serde(default)]
    pub digest: bool,
    /// Hold back during quiet hours.
    #[serde(default = "yes")]
    pub quiet_hours: bool,
}

fn yes() -> bool {
    true
}

/// A user's notification preferences.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    /// One entry per event category and type; kinds without an entry use the defaults.
    pub preferences: Vec<NotificationPreferenceBody>,
}

/// A user's notification preferences as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPreferencesResponse {
    /// The entries.
    pub preferences: Vec<NotificationPreferenceBody>,
    /// When they last changed, if ever.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<Vec<NotificationPreference>> for NotificationPreferencesResponse {
    fn from(rows: Vec<NotificationPreference>) -> Self {
        let updated_at = rows.iter().map(|r| r.updated_at).max();
        let preferences = rows
            .into_iter()
            .map(|r| NotificationPreferenceBody {
                event_category: r.event_category,
                event_type: r.event_type,
                email_enabled: r.email_enabled,
                slack_enabled: r.slack_enabled,
                sms_enabled: r.sms_enabled,
                push_enabled: r.push_enabled,
                instant: r.instant,
                digest: r.digest,
                quiet_hours: r.quiet_hours,
            })
            .collect();
        Self {
            preferences,
            updated_at,
        }
    }
}

/// Changes a password: your own with the current one, anyone's with `users:admin`. Every
/// session of the user ends.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", operation_id = "change_password",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")), request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed; sign in again"), WriteErrors))]
pub async fn change_password(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(b): Json<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    state
        .services
        .change_password(&ctx, id.into(), b.current_password, b.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts a user's lockout.
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "users", operation_id = "unlock_user",
    security(("bearer" = ["users:admin"])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204, description = "Unlocked"), WriteErrors))]
pub async fn unlock_user(State(state): State<AppState>, Auth(ctx): Auth, IdPath(id): IdPath) -> ApiResult<StatusCode> {
    state.services.unlock_user(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Emails a single-use reset link valid for an hour, if the account exists. The answer is
/// the same either way.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", security(()), operation_id = "forgot_password",
    request_body = ForgotPasswordRequest,
    responses((status = 202, description = "If the account exists, a link is on its way", body = AcceptedResponse), PublicErrors))]
pub async fn forgot_password(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Json(b): Json<ForgotPasswordRequest>,
) -> ApiResult<(StatusCode, axum::Json<AcceptedResponse>)> {
    state.services.forgot_password(&b.tenant, &b.email, meta).await?;
    let message = "if an account with this email exists, a reset link is on its way";
    Ok((StatusCode::ACCEPTED, axum::Json(AcceptedResponse { message })))
}

/// Sets a new password with the emailed token; the token works once, for an hour.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", security(()), operation_id = "reset_password",
    request_body = ResetPasswordRequest,
    responses((status = 204, description = "Changed; sign in with the new password"), PublicErrors))]
pub async fn reset_password(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Json(b): Json<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    state.services.reset_password(&b.token, b.new_password, meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user's notification preferences.
#[utoipa::path(get, path = "/api/v1/users/{id}/notifications", tag = "users", operation_id = "get_notification_preferences",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The preferences", body = NotificationPreferencesResponse), ReadErrors))]
pub async fn get_notification_preferences(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
) -> ApiResult<axum::Json<NotificationPreferencesResponse>> {
    Ok(axum::Json(
        state.services.notification_preferences(&ctx, id.into()).await?.into(),
    ))
}

/// Replaces a user's notification preferences.
#[utoipa::path(put, path = "/api/v1/users/{id}/notifications", tag = "users", operation_id = "set_notification_preferences",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")), request_body = NotificationPreferences,
    responses((status = 200, description = "The preferences now", body = NotificationPreferencesResponse), WriteErrors))]
pub async fn set_notification_preferences(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(b): Json<NotificationPreferences>,
) -> ApiResult<axum::Json<NotificationPreferencesResponse>> {
    let prefs = b
        .preferences
        .into_iter()
        .map(|p| Preference {
            event_category: p.event_category,
            event_type: p.event_type,
            email_enabled: p.email_enabled,
            slack_enabled: p.slack_enabled,
            sms_enabled: p.sms_enabled,
            push_enabled: p.push_enabled,
            instant: p.instant,
            digest: p.digest,
            quiet_hours: p.quiet_hours,
        })
        .collect();
    Ok(axum::Json(
        state
            .services
            .set_notification_preferences(&ctx, id.into(), prefs)
            .await?
            .into(),
    ))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(unlock_user))
        .routes(routes!(get_notification_preferences, set_notification_preferences))
}

/// This module's routes that spend the per-IP sign-in budget (they check a password).
pub fn login_budget() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(change_password))
}
