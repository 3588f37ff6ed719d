//! The account jobs: carrying out a password-reset request, as the system.

use crate::Registry;
use firelater_service::Services;
use firelater_service::account;
use firelater_service::jobs::Job;

/// Registers the account jobs.
pub fn register(r: &mut Registry) {
    r.job(account::PASSWORD_RESET_JOB, |services: Services, job: Job| async move {
        let request: account::PasswordResetRequest =
            serde_json::from_value(job.payload).map_err(|e| format!("reset request payload: {e}"))?;
        // `carry_out_password_reset` acts with `Ctx::system`, as every job does.
        services
            .carry_out_password_reset(request)
            .await
            .map_err(|e| e.to_string())
    });
}
