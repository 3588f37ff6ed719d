//! Account security beyond sign-in: changing a password, and resetting a forgotten one with a
//! single-use token sent by email through the outbox. Both end every session of the user, so
//! a stolen token stops working on its next request.

use crate::Services;
use crate::auth::token_hash;
use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::record::{self, Change};
use crate::users::{UserView, event_data};
use base64::Engine;
use chrono::{DateTime, Utc};
use firelater_core::events::{EmailData, Event, UserRef};
use firelater_core::ids::{TenantId, UserId};
use firelater_core::users::{User, UserStatus};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::jobs::NewJob;
use firelater_db::repo::{password_resets, sessions, status_history, tenants, users};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The outbox event that asks the notification module to send an email.
pub const EMAIL_EVENT: &str = firelater_core::events::names::EMAIL_REQUESTED;

/// How long an invitation's set-password link lives: long enough for a new colleague to find
/// the email after a weekend or a holiday, where a reset link lives an hour.
pub const INVITE_TTL: chrono::Duration = chrono::Duration::days(7);

/// The job kind that carries out a password-reset request (see [`Services::forgot_password`]).
pub const PASSWORD_RESET_JOB: &str = "auth.password_reset";

/// What a password-reset request job carries: the request as it came, nothing looked up yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    /// The tenant slug as given.
    pub tenant: String,
    /// The email as given.
    pub email: String,
    /// The requester's IP address.
    pub ip: Option<String>,
    /// The requester's user agent.
    pub user_agent: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

impl Services {
    /// The reset token of reset `id`: `<tenant>.<HMAC-SHA256(signing key, id)>`. It is
    /// derived, never stored: the database keeps its hash (to spend it) and the outbox only the
    /// reset id, so neither holds a usable secret; the mailer derives the link at send time
    /// with [`Services::password_reset_link`].
    fn reset_token(&self, tenant: TenantId, id: Uuid) -> Result<String, Error> {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.auth.settings.signing_key)
            .map_err(|e| Error::internal(format!("reset token key: {e}")))?;
        mac.update(b"firelater password reset\0");
        mac.update(id.as_bytes());
        Ok(format!(
            "{}.{}",
            tenant.0.simple(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        ))
    }

    /// The link of a live reset, for the email that sends it; `None` once it is used,
    /// superseded or expired, so a late send never mails a dead link.
    pub async fn password_reset_link(&self, tenant: TenantId, reset_id: Uuid) -> Result<Option<String>, Error> {
        let now = self.now();
        let tx = self.db.tenant_read(tenant).await?;
        let live = password_resets::find_live(&tx, reset_id, now).await?;
        tx.commit().await?;
        if live.is_none() {
            return Ok(None);
        }
        Ok(Some(format!(
            "{}/reset-password?token={}",
            self.auth.settings.public_url.trim_end_matches('/'),
            self.reset_token(tenant, reset_id)?
        )))
    }
}

fn invalid_reset_token() -> Error {
    Error::field("token", "the reset link is invalid, used or expired; ask for a new one")
}

/// Writes an email to `user` to the outbox (`email.requested`), for the notification module
/// to render from `template` and `data` and send. No secret goes into it.
pub(crate) async fn email_user(
    tx: &TenantTx,
    user: &User,
    template: &str,
    subject: &str,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let email = EmailData {
        user_id: user.id.0,
        template: template.to_owned(),
        to: user.email.clone(),
        name: user.name.clone(),
        subject: subject.to_owned(),
        data,
    };
    record::emit(tx, now, Event::EmailRequested(email)).await
}

impl Services {
    /// Changes a user's password. Users change their own by giving the current one; holders
    /// of `users:admin` may set anyone's. Every session of the user ends.
    pub async fn change_password(
        &self,
        ctx: &Ctx,
        id: UserId,
        current: Option<String>,
        new: String,
    ) -> Result<(), Error> {
        let own = ctx.user_id() == Some(id);
        if !own {
            ctx.require(Permission::UsersAdmin)?;
        }
        validate::password("new_password", &new)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let user = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        if !own {
            // Setting someone else's password hands their account over: never one that holds
            // as much as the caller or more, and an administrator's only by an administrator.
            self.check_over_user(&tx, ctx, id).await?;
        }
        tx.commit().await?;
        if own {
            let Some(current) = current else {
                return Err(Error::field(
                    "current_password",
                    "is required to change your own password",
                ));
            };
            self.check_own_password(ctx, &user, current, "current_password").await?;
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        // Checked again where it is written: the target may have gained standing while the
        // hash waited for its slot.
        let user = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        if !own {
            self.check_over_user(&tx, ctx, id).await?;
        }
        let changes = users::UserChanges {
            password_hash: Some(Some(hash)),
            status: (user.status == UserStatus::Pending).then_some(UserStatus::Active),
            ..Default::default()
        };
        let after = users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        sessions::revoke_all_of_user(&tx, id.0, "password_changed", now).await?;
        password_resets::void_all_of_user(&tx, id.0, now).await?;
        let by = if own { "self" } else { "admin" };
        if !own {
            email_user(
                &tx,
                &user,
                "password_set_by_admin",
                "Your FireLater password was changed by an administrator",
                json!({"changed_at": now}),
                now,
            )
            .await?;
        }
        let change = Change::audit("auth.password_changed", "user", id.0)
            .details(json!({"by": by}))
            .with_event(Event::PasswordChanged(UserRef { user_id: id.0 }))
            .status(
                status_history::USERS,
                Some(user.status.as_str()),
                after.status.as_str(),
                None,
            );
        record::change(&tx, ctx, now, change).await?;
        tx.commit().await
    }

    /// Invites a pending user (needs `users:update`): voids any earlier set-password link of
    /// theirs, records a new single-use one valid for [`INVITE_TTL`] and emails it to them
    /// through the outbox, like a reset (the email names the reset, never its secret). They
    /// become active when they set their password with it. A user who is not pending is a 409
    /// `user_not_pending`.
    pub async fn invite_user(&self, ctx: &Ctx, id: UserId) -> Result<UserView, Error> {
        ctx.require(Permission::UsersUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let user = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        if user.status != UserStatus::Pending {
            return Err(Error::new(
                ErrorCode::UserNotPending,
                format!("the user is {}, not pending", user.status),
            ));
        }
        password_resets::void_all_of_user(&tx, id.0, now).await?;
        let reset_id = Uuid::now_v7();
        let token = self.reset_token(ctx.tenant, reset_id)?;
        password_resets::create(
            &tx,
            reset_id,
            id.0,
            token_hash(&token),
            ctx.meta.ip.clone(),
            now,
            now + INVITE_TTL,
        )
        .await?;
        email_user(
            &tx,
            &user,
            "user_invited",
            "You are invited to FireLater: choose your password",
            json!({"reset_id": reset_id, "expires_at": now + INVITE_TTL, "expires_in_days": INVITE_TTL.num_days()}),
            now,
        )
        .await?;
        let change =
            Change::event(Event::UserInvited(event_data(&user))).details(json!({"expires_at": now + INVITE_TTL}));
        record::change(&tx, ctx, now, change).await?;
        let view = UserView::load(&tx, user).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Takes a password-reset request. It only queues the request as a job (one insert,
    /// whoever asked), so the answer is the same, in the same time, whether or not the tenant
    /// and the account exist; [`Services::carry_out_password_reset`] does the rest.
    pub async fn forgot_password(&self, tenant_slug: &str, email: &str, meta: RequestMeta) -> Result<(), Error> {
        // No slug or email is this long, so nothing could match: answer alike, store nothing.
        if tenant_slug.len() > 100 || email.len() > 320 {
            return Ok(());
        }
        let request = PasswordResetRequest {
            tenant: tenant_slug.to_owned(),
            email: email.to_owned(),
            ip: meta.ip,
            user_agent: meta.user_agent,
            request_id: meta.request_id,
        };
        let payload = serde_json::to_value(&request).map_err(|e| Error::internal(format!("reset request: {e}")))?;
        self.enqueue_job(NewJob {
            tenant_id: None,
            queue: "default".to_owned(),
            kind: PASSWORD_RESET_JOB.to_owned(),
            payload,
            run_at: self.now(),
            max_attempts: 5,
        })
        .await?;
        Ok(())
    }

    /// Carries out a queued reset request: when the tenant and a user with this email who is
    /// not deactivated (active, or pending a first password) exist, every earlier live token
    /// of theirs is voided (one live token per account), a new single-use token valid for an
    /// hour is recorded (as a hash) and an email is written to the outbox naming the reset,
    /// not its secret.
    pub async fn carry_out_password_reset(&self, request: PasswordResetRequest) -> Result<(), Error> {
        let (Ok(slug), Ok(email)) = (
            validate::slug("tenant", &request.tenant),
            validate::email("email", &request.email),
        ) else {
            return Ok(());
        };
        let Some(tenant) = tenants::find_by_slug(self.db.system(), &slug).await? else {
            return Ok(());
        };
        let tenant_id = tenant.id;
        let now = self.now();
        let tx = self.db.tenant_write(tenant_id).await?;
        let Some(user) = users::find_by_email(&tx, &email)
            .await?
            .filter(|u| u.status != UserStatus::Inactive)
        else {
            return Ok(());
        };
        password_resets::void_all_of_user(&tx, user.id.0, now).await?;
        let reset_id = Uuid::now_v7();
        let token = self.reset_token(tenant_id, reset_id)?;
        let ttl = self.auth.settings.reset_ttl;
        password_resets::create(
            &tx,
            reset_id,
            user.id.0,
            token_hash(&token),
            request.ip.clone(),
            now,
            now + ttl,
        )
        .await?;
        email_user(
            &tx,
            &user,
            "password_reset",
            "Reset your FireLater password",
            json!({"reset_id": reset_id, "expires_at": now + ttl, "expires_in_minutes": ttl.num_minutes()}),
            now,
        )
        .await?;
        let mut ctx = Ctx::system(tenant_id);
        ctx.actor = Actor::User(user.id);
        ctx.meta = RequestMeta {
            ip: request.ip,
            user_agent: request.user_agent,
            request_id: request.request_id,
        };
        record::change(
            &tx,
            &ctx,
            now,
            Change::audit("auth.password_reset_requested", "user", user.id.0),
        )
        .await?;
        tx.commit().await
    }

    /// Completes a reset: spends the token, sets the new password, unlocks the account and
    /// ends every session of the user.
    pub async fn reset_password(&self, token: &str, new: String, meta: RequestMeta) -> Result<(), Error> {
        validate::password("new_password", &new)?;
        let tenant = token
            .split_once('.')
            .and_then(|(t, _)| Uuid::try_parse(t).ok())
            .map(TenantId)
            .ok_or_else(invalid_reset_token)?;
        if tenants::find(self.db.system(), tenant).await?.is_none() {
            return Err(invalid_reset_token());
        }
        // A dead token costs no hashing slot: only a live one gets that far.
        let tx = self.db.tenant_read(tenant).await?;
        let live = password_resets::is_live(&tx, &token_hash(token), self.now()).await?;
        tx.commit().await?;
        if !live {
            return Err(invalid_reset_token());
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.now();
        let tx = self.db.tenant_write(tenant).await?;
        let user_id = password_resets::spend(&tx, &token_hash(token), now)
            .await?
            .ok_or_else(invalid_reset_token)?;
        let user = users::find(&tx, UserId(user_id))
            .await?
            .ok_or_else(invalid_reset_token)?;
        if user.status == UserStatus::Inactive {
            return Err(invalid_reset_token());
        }
        let changes = users::UserChanges {
            password_hash: Some(Some(hash)),
            status: (user.status == UserStatus::Pending).then_some(UserStatus::Active),
            failed_login_count: Some(0),
            locked_until: Some(None),
            ..Default::default()
        };
        let after = users::update(&tx, user.id, None, changes, now)
            .await?
            .ok_or_else(invalid_reset_token)?;
        sessions::revoke_all_of_user(&tx, user_id, "password_reset", now).await?;
        password_resets::void_all_of_user(&tx, user_id, now).await?;
        let mut ctx = Ctx::system(tenant);
        ctx.actor = Actor::User(user.id);
        ctx.meta = meta;
        let change = Change::event(Event::PasswordReset(UserRef { user_id })).status(
            status_history::USERS,
            Some(user.status.as_str()),
            after.status.as_str(),
            None,
        );
        record::change(&tx, &ctx, now, change).await?;
        tx.commit().await
    }

    /// Checks the caller's own current password before a sensitive change (a new password,
    /// MFA off). A wrong one is audited and counts toward the account's lockout exactly like a
    /// failed login, and a locked account is refused like a wrong password, so a stolen
    /// session cannot guess the password faster than the sign-in form allows. The refusal is
    /// a 422 on `field`.
    pub(crate) async fn check_own_password(
        &self,
        ctx: &Ctx,
        user: &User,
        password: String,
        field: &str,
    ) -> Result<(), Error> {
        let now = self.now();
        let locked = user.locked_until.is_some_and(|until| until > now);
        let ok = self.hasher.verify(password, user.password_hash.clone()).await?;
        if ok && !locked {
            return Ok(());
        }
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let what = if locked {
            "auth.password_check_locked"
        } else {
            "auth.password_check_failed"
        };
        record::change(
            &tx,
            ctx,
            now,
            Change::audit(what, "user", user.id.0).details(json!({"field": field})),
        )
        .await?;
        if !locked {
            self.count_failed_password(&tx, ctx, user.id, now).await?;
        }
        tx.commit().await?;
        Err(Error::field(field, "is wrong"))
    }

    /// Counts a failed password or second factor of `user_id` toward the lockout (when it is
    /// on), in the caller's transaction, and audits the lockout it causes. Sign-in, the MFA step
    /// and the password checks behind a session all count through here, so they share one
    /// budget of guesses.
    pub(crate) async fn count_failed_password(
        &self,
        tx: &TenantTx,
        ctx: &Ctx,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let settings = &self.auth.settings;
        if settings.lockout_threshold > 0
            && let Some(until) =
                users::record_failed_login(tx, user_id, settings.lockout_threshold, now + settings.lockout_duration)
                    .await?
        {
            let details = json!({"locked_until": until});
            record::change(
                tx,
                ctx,
                now,
                Change::event(Event::UserLockedOut(UserRef { user_id: user_id.0 })).details(details),
            )
            .await?;
        }
        Ok(())
    }

    /// Lifts a lockout early (needs `users:admin`, and to outrank the user).
    pub async fn unlock_user(&self, ctx: &Ctx, id: UserId) -> Result<(), Error> {
        ctx.require(Permission::UsersAdmin)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        // Lifting the lock of an account of equal or higher standing would give its guesser a
        // fresh budget of attempts.
        self.check_over_user(&tx, ctx, id).await?;
        let changes = users::UserChanges {
            failed_login_count: Some(0),
            locked_until: Some(None),
            ..Default::default()
        };
        users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::UserUnlocked(UserRef { user_id: id.0 })),
        )
        .await?;
        tx.commit().await
    }
}
