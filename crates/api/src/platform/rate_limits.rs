//! Request-rate limits (GCRA buckets in memory, per instance): a public site key per client
//! address, an integration API key, and sign-up and login per client address. Over the
//! limit: 429 with `Retry-After`. Login failures have their own, database-wide throttle
//! (`auth::login_limits`).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::platform::config::Config;
use crate::platform::error::{ApiError, ApiResult};

/// What a limit applies to.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// `POST /api/v1/leads` with a site key, per key and client address.
    PublicSubmission,
    /// Requests with one integration API key.
    ApiKey,
    /// Sign-ups from one client address.
    Signup,
    /// Login requests from one client address.
    Login,
    /// Messages (and details) from one chat visitor.
    VisitorMessage,
    /// Invitations sent by one account, and (a bucket of the same size) from one client address.
    Invitation,
    /// Invitations to one e-mail address from one account.
    InvitationTo,
}

pub struct RateLimits {
    public: Option<DefaultKeyedRateLimiter<String>>,
    api_key: Option<DefaultKeyedRateLimiter<String>>,
    signup: Option<DefaultKeyedRateLimiter<String>>,
    login: Option<DefaultKeyedRateLimiter<String>>,
    visitor_message: Option<DefaultKeyedRateLimiter<String>>,
    invitation: Option<DefaultKeyedRateLimiter<String>>,
    invitation_to: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU32,
}

/// `n` per `period` with a burst of `n`; zero disables the limit.
fn limiter(n: u32, period: Duration) -> Option<DefaultKeyedRateLimiter<String>> {
    let n = NonZeroU32::new(n)?;
    let quota = Quota::with_period(period / n.get())?.allow_burst(n);
    Some(RateLimiter::keyed(quota))
}

impl RateLimits {
    pub fn new(config: &Config) -> RateLimits {
        let minute = Duration::from_secs(60);
        RateLimits {
            public: limiter(config.public_rate_per_minute, minute),
            api_key: limiter(config.api_key_rate_per_minute, minute),
            signup: limiter(config.signup_rate_per_hour, Duration::from_secs(3600)),
            login: limiter(config.login_rate_per_minute, minute),
            visitor_message: limiter(config.visitor_messages_per_minute, minute),
            invitation: limiter(config.invitations_per_hour, Duration::from_secs(3600)),
            invitation_to: limiter(config.invitations_per_address_per_day, Duration::from_secs(86_400)),
            checks: AtomicU32::new(0),
        }
    }

    /// Counts one request of `key` against `limit`; 429 with the wait when it is over.
    pub fn check(&self, limit: Limit, key: &str) -> ApiResult<()> {
        let limiter = match limit {
            Limit::PublicSubmission => &self.public,
            Limit::ApiKey => &self.api_key,
            Limit::Signup => &self.signup,
            Limit::Login => &self.login,
            Limit::VisitorMessage => &self.visitor_message,
            Limit::Invitation => &self.invitation,
            Limit::InvitationTo => &self.invitation_to,
        };
        let Some(limiter) = limiter else { return Ok(()) };
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(4096) {
            // Forget buckets that are full again, so memory follows the active keys only.
            let all = [
                &self.public,
                &self.api_key,
                &self.signup,
                &self.login,
                &self.visitor_message,
                &self.invitation,
                &self.invitation_to,
            ];
            for l in all.into_iter().flatten() {
                l.retain_recent();
            }
        }
        limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests { retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as i64 }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_quota_waits_and_others_do_not() {
        let mut config = Config::for_database(String::new());
        config.signup_rate_per_hour = 2;
        let limits = RateLimits::new(&config);
        assert!(limits.check(Limit::Signup, "10.0.0.1").is_ok());
        assert!(limits.check(Limit::Signup, "10.0.0.1").is_ok());
        match limits.check(Limit::Signup, "10.0.0.1") {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert!((1..=1800).contains(&retry_after_secs)),
            other => panic!("{other:?}"),
        }
        assert!(limits.check(Limit::Signup, "10.0.0.2").is_ok(), "another address has its own bucket");
        config.signup_rate_per_hour = 0;
        let off = RateLimits::new(&config);
        assert!((0..10).all(|_| off.check(Limit::Signup, "10.0.0.1").is_ok()), "zero turns the limit off");
    }
}
