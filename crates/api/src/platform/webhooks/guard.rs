//! Keeps webhook requests on the public internet: a subscription's URL is chosen by a user,
//! so without this check the server could be made to POST into its own network (the
//! database's host, a cloud metadata service). Names are resolved here and every address
//! checked, and the connection goes to a checked address, so a name cannot resolve to a
//! public address for the check and a private one for the request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether the sender may connect to `ip` when private addresses are not allowed.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                // Shared address space (carrier-grade NAT) and benchmarking.
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Why a URL's literal host may not be reached; `None` when it is a name (checked when
/// resolved) or a public address.
pub fn refuse_literal(url: &reqwest::Url, allow_private: bool) -> Option<String> {
    if allow_private {
        return None;
    }
    let ip = match url.host()? {
        url::Host::Ipv4(v4) => IpAddr::V4(v4),
        url::Host::Ipv6(v6) => IpAddr::V6(v6),
        url::Host::Domain(_) => return None,
    };
    (!is_public(ip)).then(|| format!("refused: {ip} is not a public address"))
}

/// Why a subscription may not use `url`, said when it is saved: a literal non-public address
/// or `localhost` (other names are checked each time they are resolved).
pub fn refuse_at_save(url: &str, allow_private: bool) -> Option<String> {
    let parsed = reqwest::Url::parse(url.trim()).ok()?;
    if let Some(refused) = refuse_literal(&parsed, allow_private) {
        return Some(refused.trim_start_matches("refused: ").to_string());
    }
    match parsed.host() {
        Some(url::Host::Domain(name)) if !allow_private && (name == "localhost" || name.ends_with(".localhost")) => {
            Some(format!("{name} is not a public address"))
        }
        _ => None,
    }
}

/// The sender's resolver: the system's, less every non-public address (unless allowed).
pub struct PublicOnly {
    pub allow_private: bool,
}

impl PublicOnly {
    pub fn new(allow_private: bool) -> Arc<PublicOnly> {
        Arc::new(PublicOnly { allow_private })
    }
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> =
                found.iter().copied().filter(|a| allow_private || is_public(a.ip())).collect();
            if usable.is_empty() {
                let why = if found.is_empty() {
                    format!("{host} has no address")
                } else {
                    format!("refused: {host} resolves to a non-public address ({})", found[0].ip())
                };
                return Err(why.into());
            }
            let addrs: Addrs = Box::new(usable.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn the_resolver_drops_non_public_addresses() {
        use std::str::FromStr;
        let refused = PublicOnly { allow_private: false }.resolve(Name::from_str("localhost").unwrap()).await;
        let why = refused.err().expect("localhost is refused").to_string();
        assert!(why.starts_with("refused: localhost resolves to a non-public address"), "{why}");
        let allowed = PublicOnly { allow_private: true }.resolve(Name::from_str("localhost").unwrap()).await;
        assert!(allowed.expect("allowed").any(|a| a.ip().is_loopback()));
    }

    #[test]
    fn literal_hosts_are_checked_names_are_left_to_the_resolver() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert!(refuse_literal(&url("http://127.0.0.1:9/x"), false).is_some());
        assert!(refuse_literal(&url("http://[::1]/x"), false).is_some());
        assert!(refuse_literal(&url("http://127.0.0.1:9/x"), true).is_none());
        assert!(refuse_literal(&url("https://8.8.8.8/x"), false).is_none());
        assert!(refuse_literal(&url("https://hooks.example.com/x"), false).is_none());
        assert!(refuse_at_save("http://localhost:3000/hook", false).is_some());
        assert!(refuse_at_save("http://10.0.0.5/hook", false).is_some());
        assert!(refuse_at_save("http://localhost:3000/hook", true).is_none());
        assert!(refuse_at_save("https://hooks.example.com/x", false).is_none());
    }
}
