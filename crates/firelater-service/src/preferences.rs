//! Users' notification preferences: stored now, read by the notifications module to decide
//! which channels an event goes to, when, and whether quiet hours hold it back.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::error::Validator;
use firelater_core::ids::UserId;
use firelater_core::{Error, Permission};
pub use firelater_db::entities::notification_preference::Model as NotificationPreference;
pub use firelater_db::repo::notification_preferences::Preference;
use firelater_db::repo::{notification_preferences, users};

/// Event categories a preference can name.
pub const CATEGORIES: &[&str] = &[
    "issues",
    "problems",
    "changes",
    "requests",
    "approvals",
    "oncall",
    "health",
    "system",
];

fn check(prefs: &[Preference]) -> Result<(), Error> {
    let mut v = Validator::new();
    let mut seen = std::collections::HashSet::new();
    for (i, p) in prefs.iter().enumerate() {
        if !CATEGORIES.contains(&p.event_category.as_str()) {
            v.add(
                &format!("preferences[{i}].event_category"),
                format!("must be one of: {}", CATEGORIES.join(", ")),
            );
        }
        let t = p.event_type.as_str();
        if t.is_empty()
            || t.len() > 100
            || !t
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        {
            v.add(
                &format!("preferences[{i}].event_type"),
                "must be 1 to 100 lower-case letters, digits, _ or .",
            );
        }
        if !seen.insert((p.event_category.clone(), p.event_type.clone())) {
            v.add(
                &format!("preferences[{i}]"),
                "names the same category and event type twice",
            );
        }
    }
    if prefs.len() > 500 {
        v.add("preferences", "at most 500 entries");
    }
    v.finish()
}

impl Services {
    /// A user's notification preferences (their own, or with `users:read`).
    pub async fn notification_preferences(
        &self,
        ctx: &Ctx,
        user_id: UserId,
    ) -> Result<Vec<NotificationPreference>, Error> {
        if ctx.user_id() != Some(user_id) {
            ctx.require(Permission::UsersRead)?;
        }
        let tx = self.db.tenant_read(ctx.tenant).await?;
        users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let prefs = notification_preferences::of_user(&tx, user_id.0).await?;
        tx.commit().await?;
        Ok(prefs)
    }

    /// Replaces a user's notification preferences (their own, or with `users:update`).
    pub async fn set_notification_preferences(
        &self,
        ctx: &Ctx,
        user_id: UserId,
        prefs: Vec<Preference>,
    ) -> Result<Vec<NotificationPreference>, Error> {
        if ctx.user_id() != Some(user_id) {
            ctx.require(Permission::UsersUpdate)?;
        }
        check(&prefs)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let before = notification_preferences::of_user(&tx, user_id.0).await?;
        notification_preferences::replace(&tx, user_id.0, &prefs, now).await?;
        let after = notification_preferences::of_user(&tx, user_id.0).await?;
        let summary = |rows: &[NotificationPreference]| -> Vec<String> {
            rows.iter()
                .map(|p| {
                    let channels: Vec<&str> = [
                        ("email", p.email_enabled),
                        ("slack", p.slack_enabled),
                        ("sms", p.sms_enabled),
                        ("push", p.push_enabled),
                    ]
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(n, _)| *n)
                    .collect();
                    format!("{}.{}: {}", p.event_category, p.event_type, channels.join("+"))
                })
                .collect()
        };
        let diff = firelater_core::audit::Diff::new().field("preferences", &summary(&before), &summary(&after));
        if !diff.is_empty() {
            record::change(
                &tx,
                ctx,
                now,
                Change::audit("user.notification_preferences_changed", "user", user_id).diff(diff),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }
}
