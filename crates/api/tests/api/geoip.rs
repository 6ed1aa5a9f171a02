//! Approximate location from the client's address: a small MaxMind-format city database is
//! written here (two networks, DB-IP's flat records), so the test knows what each address
//! must give; the packaged DB-IP database is exercised by the browser test.

use std::path::PathBuf;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{client_from, TestApp};

/// `(network, prefix length, country_code, state1, city)`.
const NETWORKS: &[([u8; 4], u8, &str, &str, &str)] =
    &[([200, 10, 0, 0], 16, "BR", "Pernambuco", "Recife"), ([81, 2, 69, 0], 24, "GB", "England", "London")];

async fn spawn() -> TestApp {
    let path = write_test_database();
    TestApp::spawn_with(move |c| {
        c.geoip_db = vec![path];
        c.trusted_proxies = vec!["127.0.0.9".parse().unwrap()];
    })
    .await
}

#[tokio::test]
async fn a_lead_with_a_public_address_and_no_location_is_placed_approximately() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest", "contacts:read", "contacts:write"]).await;

    let placed = app.ingest_ok(&key.secret, &json!({"email": "rita@example.com", "ip": "200.10.44.5"})).await;
    assert_eq!(placed.location.city.as_deref(), Some("Recife"));
    assert_eq!(placed.location.region.as_deref(), Some("Pernambuco"));
    assert_eq!(placed.location.country.as_deref(), Some("BR"));
    assert!(placed.location_from_ip);
    let detail: Value = app.get(&format!("/api/v1/contacts/{}", placed.id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail["location_attribution"], json!({"text": "IP Geolocation by DB-IP", "url": "https://db-ip.com"}));

    // The payload's location wins; private and unknown addresses give none.
    let given = app
        .ingest_ok(
            &key.secret,
            &json!({"email": "caio@example.com", "ip": "200.10.44.6", "location": {"city": "Olinda"}}),
        )
        .await;
    assert_eq!((given.location.city.as_deref(), given.location.country), (Some("Olinda"), None));
    assert!(!given.location_from_ip);
    for (email, ip) in [("lan@example.com", "10.1.2.3"), ("far@example.com", "9.9.9.9"), ("bad@example.com", "nope")] {
        let none = app.ingest_ok(&key.secret, &json!({"email": email, "ip": ip})).await;
        assert_eq!(none.location, domain::Location::default(), "{ip}");
        assert!(!none.location_from_ip);
    }
    let detail: Value = app.get(&format!("/api/v1/contacts/{}", given.id), &admin.token).await.json().await.unwrap();
    assert_eq!(detail["location_attribution"], Value::Null);

    // A later lead giving a location replaces the approximate one whole.
    let moved =
        app.ingest_ok(&key.secret, &json!({"email": "rita@example.com", "location": {"city": "Caruaru"}})).await;
    assert_eq!((moved.location.city.as_deref(), moved.location.region), (Some("Caruaru"), None));
    assert!(!moved.location_from_ip);
    // An approximate location edited by hand is no longer approximate.
    let other = app.ingest_ok(&key.secret, &json!({"email": "joao@example.com", "ip": "81.2.69.160"})).await;
    assert_eq!(other.location.city.as_deref(), Some("London"));
    let res = app
        .patch(
            &format!("/api/v1/contacts/{}", other.id),
            &admin.token,
            &json!({"location": {"city": "Londres", "country": "GB"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Value = res.json().await.unwrap();
    assert_eq!((edited["location"]["city"].as_str(), &edited["location_from_ip"]), (Some("Londres"), &json!(false)));
    // A known client keeps the location it has when a lead only brings an address.
    let kept = app.ingest_ok(&key.secret, &json!({"email": "caio@example.com", "ip": "81.2.69.1"})).await;
    assert_eq!(kept.location.city.as_deref(), Some("Olinda"));
}

#[tokio::test]
async fn a_public_form_and_a_chat_visitor_are_placed_by_their_client_address() {
    let app = spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let site = app.create_site(&admin, "Loja").await;

    // Behind the trusted proxy, the form's sender is the forwarded address.
    let res = client_from("127.0.0.9")
        .post(format!("{}/api/v1/leads", app.base))
        .header("x-site-key", &site.public_key)
        .header("x-forwarded-for", "200.10.9.9")
        .json(&json!({"email": "form@example.com", "name": "Form"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let row: (Option<String>, Option<String>, bool) = {
        use diesel::prelude::*;
        diesel::sql_query("SELECT city, ip, location_from_ip FROM contacts WHERE email = 'form@example.com'")
            .get_result::<FormRow>(&mut app.conn())
            .map(|r| (r.city, r.ip, r.location_from_ip))
            .unwrap()
    };
    assert_eq!(row, (Some("Recife".into()), Some("200.10.9.9".into()), true));

    let res = client_from("127.0.0.9")
        .request(Method::POST, format!("{}/api/v1/visitor/conversations", app.base))
        .header("x-site-key", &site.public_key)
        .header("x-forwarded-for", "81.2.69.200")
        .json(&json!({"page_url": "https://acme.test/", "lang": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let chat: Value = res.json().await.unwrap();
    let conversation = chat["chat"]["conversation_id"].as_str().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM contacts c JOIN conversations v ON v.contact_id = c.id \
             WHERE v.id = '{conversation}' AND c.city = 'London' AND c.country = 'GB' AND c.location_from_ip"
        )),
        1
    );
    // From a loopback address (not behind the proxy): no lookup.
    let (_, local) = app.start_chat(&site.public_key, "en").await;
    let conversation = local["conversation_id"].as_str().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM contacts c JOIN conversations v ON v.contact_id = c.id \
             WHERE v.id = '{conversation}' AND c.city IS NULL AND NOT c.location_from_ip"
        )),
        1
    );
}

#[tokio::test]
async fn without_a_database_no_location_is_made_up() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let key = app.create_api_key(&admin, &["leads:ingest"]).await;
    let lead = app.ingest_ok(&key.secret, &json!({"email": "rita@example.com", "ip": "200.10.44.5"})).await;
    assert_eq!(lead.location, domain::Location::default());
    assert!(!lead.location_from_ip);
}

#[derive(diesel::QueryableByName)]
struct FormRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    city: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    ip: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    location_from_ip: bool,
}

/// Writes the test database once per process and returns its path.
fn write_test_database() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("prospecta-test-city-{}.mmdb", std::process::id()));
        std::fs::write(&path, mmdb::ipv4_city(NETWORKS)).unwrap();
        path
    })
    .clone()
}

/// A minimal MaxMind DB writer (format spec: https://maxmind.github.io/MaxMind-DB/): an
/// IPv4 search tree with 24-bit records, a data section of maps and strings, the metadata.
mod mmdb {
    enum Record {
        Empty,
        Node(usize),
        Data(usize),
    }

    pub fn ipv4_city(networks: &[([u8; 4], u8, &str, &str, &str)]) -> Vec<u8> {
        let mut data = Vec::new();
        let mut nodes: Vec<[Record; 2]> = vec![[Record::Empty, Record::Empty]];
        for (address, prefix, country, state, city) in networks {
            let offset = data.len();
            map(&mut data, &[("city", city), ("country_code", country), ("state1", state)]);
            let bits = u32::from_be_bytes(*address);
            let mut node = 0;
            for depth in 0..*prefix {
                let bit = ((bits >> (31 - depth)) & 1) as usize;
                if depth + 1 == *prefix {
                    nodes[node][bit] = Record::Data(offset);
                } else {
                    node = match nodes[node][bit] {
                        Record::Node(next) => next,
                        _ => {
                            nodes.push([Record::Empty, Record::Empty]);
                            let next = nodes.len() - 1;
                            nodes[node][bit] = Record::Node(next);
                            next
                        }
                    };
                }
            }
        }
        let count = nodes.len();
        let mut out = Vec::new();
        for node in &nodes {
            for record in node {
                let value = match record {
                    Record::Empty => count,
                    Record::Node(next) => *next,
                    Record::Data(offset) => count + 16 + offset,
                };
                out.extend_from_slice(&(value as u32).to_be_bytes()[1..]);
            }
        }
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
        control(&mut out, 7, 9);
        for (key, value) in [("binary_format_major_version", 2u32), ("binary_format_minor_version", 0)] {
            string(&mut out, key);
            uint(&mut out, 5, value);
        }
        string(&mut out, "build_epoch");
        control(&mut out, 9, 4);
        out.extend_from_slice(&1_700_000_000u32.to_be_bytes());
        string(&mut out, "database_type");
        string(&mut out, "Prospecta-Test-City");
        string(&mut out, "description");
        control(&mut out, 7, 0);
        string(&mut out, "ip_version");
        uint(&mut out, 5, 4);
        string(&mut out, "languages");
        control(&mut out, 11, 0);
        string(&mut out, "node_count");
        uint(&mut out, 6, count as u32);
        string(&mut out, "record_size");
        uint(&mut out, 5, 24);
        out
    }

    /// A control byte for `kind` (extended kinds above 7 take a second byte) and `size` < 29.
    fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
        assert!(size < 29);
        if kind <= 7 {
            out.push((kind << 5) | size as u8);
        } else {
            out.push(size as u8);
            out.push(kind - 7);
        }
    }

    fn string(out: &mut Vec<u8>, s: &str) {
        control(out, 2, s.len());
        out.extend_from_slice(s.as_bytes());
    }

    /// An unsigned integer of `kind` 5 (16 bits) or 6 (32 bits), in as few bytes as it needs.
    fn uint(out: &mut Vec<u8>, kind: u8, value: u32) {
        let bytes = value.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        control(out, kind, 4 - skip);
        out.extend_from_slice(&bytes[skip..]);
    }

    fn map(out: &mut Vec<u8>, pairs: &[(&str, &str)]) {
        control(out, 7, pairs.len());
        for (key, value) in pairs {
            string(out, key);
            string(out, value);
        }
    }
}
