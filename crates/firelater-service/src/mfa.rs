//! TOTP multi-factor authentication (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of
//! skew either way). A user enrols (a pending secret and its `otpauth://` URI), confirms with a
//! first code (which enables it and hands out ten single-use recovery codes, stored only as
//! SHA-256 hashes), and from then on `POST /auth/login` asks for a code. Time comes from the
//! injected clock, and a time step is accepted once, so an overheard code cannot be replayed.
//! A wrong code at login counts as a failed login towards the account lockout.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::events::{Event, UserRef};
use firelater_core::ids::UserId;
use firelater_core::{Error, ErrorCode, Permission};
use firelater_db::TenantTx;
use firelater_db::entities::user_mfa;
use firelater_db::repo::{mfa, sessions, users};
use serde_json::json;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

/// The issuer authenticator apps show next to the account.
const ISSUER: &str = "FireLater";
/// How many recovery codes a confirmation hands out.
const RECOVERY_CODES: usize = 10;
/// Letters of recovery codes: lower case without look-alikes (no i, l, o, 0, 1).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A pending enrolment: what the user's authenticator app needs.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The shared secret, base32.
    pub secret: String,
    /// `otpauth://totp/…` for a QR code.
    pub otpauth_uri: String,
}

fn totp(secret_base32: &str, account: &str) -> Result<Totp, Error> {
    let secret =
        Secret::try_from_base32(secret_base32).map_err(|e| Error::internal(format!("stored TOTP secret: {e}")))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| Error::internal(format!("totp: {e}")))
}

/// The time step `code` is valid for at `now` (±1 step), if any.
fn code_step(row: &user_mfa::Model, code: &str, now: DateTime<Utc>) -> Result<Option<i64>, Error> {
    let Ok(secs) = u64::try_from(now.timestamp()) else {
        return Ok(None);
    };
    let step = totp(&row.secret, "")?.check(code, secs);
    Ok(step.and_then(|s| i64::try_from(s).ok()))
}

fn is_totp_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The stored form of a recovery code: SHA-256 of its letters, ignoring case, spaces and dashes.
fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| RECOVERY_ALPHABET[rng.random_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

fn stored_hashes(row: &user_mfa::Model) -> Vec<String> {
    row.recovery_codes
        .as_array()
        .map(|a| a.iter().filter_map(|h| h.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn already_enabled() -> Error {
    Error::new(
        ErrorCode::MfaAlreadyEnabled,
        "multi-factor authentication is already on; turn it off first",
    )
}

fn not_enrolled(detail: &str) -> Error {
    Error::new(ErrorCode::MfaNotEnrolled, detail)
}

impl Services {
    /// Starts (or restarts) the caller's enrolment with a new secret; 409 when MFA is on.
    pub async fn enroll_mfa(&self, ctx: &Ctx) -> Result<Enrolment, Error> {
        let user_id = ctx.require_user()?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        if mfa::find(&tx, user.id.0).await?.is_some_and(|m| m.enabled_at.is_some()) {
            return Err(already_enabled());
        }
        let mut bytes = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let secret = Secret::new_stack(bytes).to_base32();
        let otpauth_uri = totp(&secret, &user.email)?
            .to_url()
            .map_err(|e| Error::internal(format!("otpauth uri: {e}")))?;
        mfa::start(&tx, user.id.0, secret.clone(), now).await?;
        tx.commit().await?;
        Ok(Enrolment { secret, otpauth_uri })
    }

    /// Confirms the caller's pending enrolment with a current code, turning MFA on; returns the
    /// recovery codes, which are shown this once.
    pub async fn confirm_mfa(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>, Error> {
        let user_id = ctx.require_user()?;
        let code = code.trim();
        if !is_totp_code(code) {
            return Err(Error::field("code", "must be the 6 digits your authenticator shows"));
        }
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let row = mfa::find(&tx, user_id.0)
            .await?
            .ok_or_else(|| not_enrolled("start with POST /api/v1/auth/mfa/enroll"))?;
        if row.enabled_at.is_some() {
            return Err(already_enabled());
        }
        let step = code_step(&row, code, now)?
            .ok_or_else(|| Error::field("code", "is not the current code of your authenticator"))?;
        let codes = new_recovery_codes();
        let changes = mfa::MfaChanges {
            enabled_at: Some(now),
            recovery_codes: Some(codes.iter().map(|c| recovery_hash(c)).collect()),
            last_used_step: Some(step),
        };
        if !mfa::update(&tx, user_id.0, row.version, changes, now).await? {
            return Err(Error::version_conflict(row.version + 1));
        }
        let diff = Diff::new().field("mfa_enabled", &false, &true);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::MfaEnabled(UserRef { user_id: user_id.0 })).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns the caller's MFA off after checking their password; 409 when it is not on.
    pub async fn disable_mfa(&self, ctx: &Ctx, password: String) -> Result<(), Error> {
        let user_id = ctx.require_user()?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        tx.commit().await?;
        self.check_own_password(ctx, &user, password, "password").await?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        if mfa::find(&tx, user_id.0).await?.is_none_or(|m| m.enabled_at.is_none()) {
            return Err(not_enrolled("multi-factor authentication is not on"));
        }
        mfa::delete(&tx, user_id.0).await?;
        let diff = Diff::new().field("mfa_enabled", &true, &false);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::MfaDisabled(UserRef { user_id: user_id.0 })).diff(diff),
        )
        .await?;
        tx.commit().await
    }

    /// Removes a user's MFA, pending or on (needs `users:admin`), for a user who lost their
    /// authenticator and recovery codes. Resetting a user without MFA changes nothing.
    pub async fn reset_mfa(&self, ctx: &Ctx, user_id: UserId) -> Result<(), Error> {
        ctx.require(Permission::UsersAdmin)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        // Clearing someone's second factor is half of taking their account over.
        self.check_over_user(&tx, ctx, user_id).await?;
        let before = mfa::find(&tx, user_id.0).await?;
        if mfa::delete(&tx, user_id.0).await? {
            if ctx.user_id() != Some(user_id) {
                sessions::revoke_all_of_user(&tx, user_id.0, "mfa_reset", now).await?;
                crate::account::email_user(
                    &tx,
                    &user,
                    "mfa_reset_by_admin",
                    "Two-step sign-in was turned off on your FireLater account",
                    json!({"reset_at": now}),
                    now,
                )
                .await?;
            }
            let was_on = before.is_some_and(|m| m.enabled_at.is_some());
            let diff = Diff::new().field("mfa_enabled", &was_on, &false);
            record::change(
                &tx,
                ctx,
                now,
                Change::event(Event::MfaReset(UserRef { user_id: user_id.0 })).diff(diff),
            )
            .await?;
        }
        tx.commit().await
    }

    /// The second factor of a login whose password was right, inside the login's transaction.
    /// `Ok(None)`: go on (MFA off, or the code was accepted and spent). `Ok(Some(e))`: refuse
    /// with `e` after committing what was recorded (a failed attempt counts towards lockout).
    pub(crate) async fn check_login_mfa(
        &self,
        tx: &TenantTx,
        ctx: &Ctx,
        user_id: UserId,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Error>, Error> {
        let Some(row) = mfa::find(tx, user_id.0).await?.filter(|m| m.enabled_at.is_some()) else {
            return Ok(None);
        };
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(Some(Error::new(
                ErrorCode::MfaRequired,
                "this account uses multi-factor authentication; send mfa_code with a current code or a recovery code",
            )));
        };
        let accepted = if is_totp_code(code) {
            match code_step(&row, code, now)? {
                Some(step) if row.last_used_step.is_none_or(|last| step > last) => {
                    let changes = mfa::MfaChanges {
                        last_used_step: Some(step),
                        ..Default::default()
                    };
                    mfa::update(tx, user_id.0, row.version, changes, now).await?
                }
                _ => false,
            }
        } else {
            let hash = recovery_hash(code);
            let mut left = stored_hashes(&row);
            match left.iter().position(|h| *h == hash) {
                Some(i) => {
                    left.remove(i);
                    let remaining = left.len();
                    let changes = mfa::MfaChanges {
                        recovery_codes: Some(left),
                        ..Default::default()
                    };
                    let spent = mfa::update(tx, user_id.0, row.version, changes, now).await?;
                    if spent {
                        let details = json!({"remaining": remaining});
                        record::change(
                            tx,
                            ctx,
                            now,
                            Change::audit("auth.mfa_recovery_code_used", "user", user_id).details(details),
                        )
                        .await?;
                    }
                    spent
                }
                None => false,
            }
        };
        if accepted {
            return Ok(None);
        }
        let details = json!({"reason": ErrorCode::MfaCodeInvalid.as_str()});
        record::change(
            tx,
            ctx,
            now,
            Change::audit("auth.login_failed", "user", user_id).details(details),
        )
        .await?;
        self.count_failed_password(tx, ctx, user_id, now).await?;
        Ok(Some(Error::new(
            ErrorCode::MfaCodeInvalid,
            "the multi-factor code is wrong or was already used",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn recovery_codes_are_distinct_and_hash_ignoring_case_and_dashes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 11);
        assert_eq!(recovery_hash(c), recovery_hash(&c.to_uppercase().replace('-', " ")));
        assert_ne!(recovery_hash(c), recovery_hash(&codes[1]));
    }

    #[test]
    fn only_six_digits_are_totp_codes() {
        assert!(is_totp_code("012345"));
        for bad in ["12345", "1234567", "12a456", "abcde-fghjk", ""] {
            assert!(!is_totp_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_code_is_valid_one_step_either_way_and_not_beyond() {
        let secret = Secret::new_stack([7; 20]).to_base32();
        let row = user_mfa::Model {
            user_id: Uuid::now_v7(),
            tenant_id: Uuid::now_v7(),
            version: 1,
            secret: secret.clone(),
            enabled_at: None,
            recovery_codes: json!([]),
            last_used_step: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let t = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
        let code = totp(&secret, "a@example.com")
            .expect("totp")
            .generate(1_800_000_000)
            .to_string();
        let step = 1_800_000_000 / 30;
        assert_eq!(code_step(&row, &code, t).expect("checks"), Some(step));
        for (offset, ok) in [(-30, true), (30, true), (-61, false), (61, false)] {
            let at = t + chrono::Duration::seconds(offset);
            assert_eq!(code_step(&row, &code, at).expect("checks").is_some(), ok, "{offset}");
        }
    }
}
