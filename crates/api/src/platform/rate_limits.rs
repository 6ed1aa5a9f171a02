//! Request-rate limits (GCRA buckets in memory, per instance): a public site key per client
//! address, an integration API key, and sign-up and login per client address. Over the
//! limit: 429 with `Retry-After`; an API key's answers say where it stands (`RateLimit-*`
//! headers, [`Standing`]). Login failures have their own, database-wide throttle
//! (`auth::login_limits`).

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
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

/// A keyed limiter that reports its state (for the `RateLimit-*` headers).
type Limiter = DefaultKeyedRateLimiter<String, StateInformationMiddleware>;

pub struct RateLimits {
    public: Option<Limiter>,
    api_key: Option<Limiter>,
    signup: Option<Limiter>,
    login: Option<Limiter>,
    visitor_message: Option<Limiter>,
    invitation: Option<Limiter>,
    invitation_to: Option<Limiter>,
    checks: AtomicU32,
}

/// Where a key stands against its limit after a request was let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Requests allowed in a full window (the burst).
    pub limit: u32,
    /// Requests still allowed right now.
    pub remaining: u32,
    /// Seconds until the allowance is whole again.
    pub reset_secs: u64,
}

impl Standing {
    /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers-03).
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("ratelimit-limit", self.limit.to_string()),
            ("ratelimit-remaining", self.remaining.to_string()),
            ("ratelimit-reset", self.reset_secs.to_string()),
        ]
    }
}

/// `n` per `period` with a burst of `n`; zero disables the limit.
fn limiter(n: u32, period: Duration) -> Option<Limiter> {
    let n = NonZeroU32::new(n)?;
    let quota = Quota::with_period(period / n.get())?.allow_burst(n);
    Some(RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>())
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
        self.count(limit, key).map(|_| ())
    }

    /// Like [`RateLimits::check`], with where the key stands now; `None` when the limit is off.
    pub fn count(&self, limit: Limit, key: &str) -> ApiResult<Option<Standing>> {
        let limiter = match limit {
            Limit::PublicSubmission => &self.public,
            Limit::ApiKey => &self.api_key,
            Limit::Signup => &self.signup,
            Limit::Login => &self.login,
            Limit::VisitorMessage => &self.visitor_message,
            Limit::Invitation => &self.invitation,
            Limit::InvitationTo => &self.invitation_to,
        };
        let Some(limiter) = limiter else { return Ok(None) };
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
        let snapshot = limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests { retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as i64 }
        })?;
        let quota = snapshot.quota();
        let (limit, remaining) = (quota.burst_size().get(), snapshot.remaining_burst_capacity());
        let reset = quota.replenish_interval().saturating_mul(limit.saturating_sub(remaining));
        Ok(Some(Standing { limit, remaining, reset_secs: reset.as_secs_f64().ceil() as u64 }))
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
        let first = limits.count(Limit::Signup, "10.0.0.1").unwrap().unwrap();
        assert_eq!((first.limit, first.remaining), (2, 1));
        assert!((1..=1800).contains(&first.reset_secs), "{first:?}");
        let second = limits.count(Limit::Signup, "10.0.0.1").unwrap().unwrap();
        assert_eq!(second.remaining, 0);
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
