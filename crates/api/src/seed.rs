//! The demo account that `make run` creates in an empty database.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::{Channel, ContactStatus, MessageSender, Role, TranscriptMessage};
use serde_json::json;

use crate::auth::password::hash_password;
use crate::contacts::queries::{self as contacts, Actor, ContactRow};
use crate::contacts::transcript;
use crate::platform::db::schema::{accounts, sites};
use crate::platform::error::ApiResult;
use crate::sites::{insert_site, SiteRow};
use crate::users::queries::{insert_account, insert_user, UserRow};

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.prospecta.dev";
pub const DEMO_PASSWORD: &str = "prospecta-demo";

/// Creates the demo account (an admin, two agents, two sites) when there is no account at
/// all. Returns whether it did.
pub fn seed_demo_if_empty(conn: &mut PgConnection) -> ApiResult<bool> {
    conn.transaction(|conn| {
        let existing: i64 = accounts::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(false);
        }
        let hash = hash_password(DEMO_PASSWORD)?;
        let account = insert_account(conn, "Prospecta Demo")?;
        let mut agents = Vec::new();
        for (email, name, role) in [
            (DEMO_ADMIN_EMAIL, "Demo Admin", Role::Admin),
            ("ana@demo.prospecta.dev", "Ana Souza", Role::Agent),
            ("bruno@demo.prospecta.dev", "Bruno Lima", Role::Agent),
        ] {
            let user = insert_user(conn, &UserRow::new(account.id, email, name, role, hash.clone()))?;
            if role == Role::Agent {
                agents.push(user.id);
            } else {
                // So the demo page's widget chats instead of showing its offline form.
                diesel::update(crate::platform::db::schema::users::table.find(user.id))
                    .set(crate::platform::db::schema::users::presence.eq(domain::Presence::Online.as_str()))
                    .execute(conn)?;
            }
        }
        let centro = insert_site(
            conn,
            &SiteRow::new(account.id, "Loja Centro", Some("https://centro.example.com".into()), Vec::new()),
        )?;
        let online = insert_site(
            conn,
            &SiteRow::new(account.id, "Loja Online", Some("https://loja.example.com".into()), Vec::new()),
        )?;
        // The demo's agents are not on the desk (offline): its rotation deals to them anyway.
        diesel::update(sites::table.find(centro.id))
            .set((
                sites::auto_assign_enabled.eq(true),
                sites::auto_assign_user_ids.eq(&agents),
                sites::auto_assign_online_only.eq(false),
            ))
            .execute(conn)?;
        seed_demo_contacts(conn, account.id, &[centro.id, online.id], &agents)?;
        seed_demo_board(conn, account.id, &agents)?;
        Ok(true)
    })
}

/// A dozen leads across statuses, channels and sites, some with a chatbot transcript.
fn seed_demo_contacts(
    conn: &mut PgConnection,
    account_id: uuid::Uuid,
    sites: &[uuid::Uuid],
    agents: &[uuid::Uuid],
) -> ApiResult<()> {
    let people = [
        (
            "Maria Silva",
            "maria.silva@example.com",
            "+5511987654321",
            "google",
            "cpc",
            "São Paulo",
            ContactStatus::ToContact,
        ),
        (
            "João Pereira",
            "joao.pereira@example.com",
            "+5521998765432",
            "facebook",
            "social",
            "Rio de Janeiro",
            ContactStatus::InProgress,
        ),
        (
            "Fernanda Costa",
            "fernanda@example.com",
            "+5531991234567",
            "google",
            "organic",
            "Belo Horizonte",
            ContactStatus::Won,
        ),
        (
            "Carlos Oliveira",
            "carlos.o@example.com",
            "+5541992345678",
            "instagram",
            "social",
            "Curitiba",
            ContactStatus::Lost,
        ),
        (
            "Patrícia Santos",
            "patricia@example.com",
            "+5551993456789",
            "direct",
            "none",
            "Porto Alegre",
            ContactStatus::ToContact,
        ),
        (
            "Rafael Almeida",
            "rafael@example.com",
            "+5561994567890",
            "google",
            "cpc",
            "Brasília",
            ContactStatus::InProgress,
        ),
        (
            "Juliana Rocha",
            "juliana@example.com",
            "+5571995678901",
            "newsletter",
            "email",
            "Salvador",
            ContactStatus::ToContact,
        ),
        ("Lucas Martins", "lucas@example.com", "+5581996789012", "facebook", "cpc", "Recife", ContactStatus::Won),
        (
            "Camila Ribeiro",
            "camila@example.com",
            "+5585997890123",
            "google",
            "organic",
            "Fortaleza",
            ContactStatus::ToContact,
        ),
        (
            "Bruno Gomes",
            "bruno.g@example.com",
            "+5511988887777",
            "linkedin",
            "social",
            "Campinas",
            ContactStatus::InProgress,
        ),
        (
            "Aline Ferreira",
            "aline@example.com",
            "+5519987776666",
            "google",
            "cpc",
            "Campinas",
            ContactStatus::ToContact,
        ),
        (
            "Diego Barbosa",
            "diego@example.com",
            "+5548986665555",
            "direct",
            "none",
            "Florianópolis",
            ContactStatus::Lost,
        ),
    ];
    let seeder = Actor::system("demo data");
    let now = Utc::now();
    for (i, (name, email, phone, source, medium, city, status)) in people.into_iter().enumerate() {
        let channel = [Channel::Chatbot, Channel::Form, Channel::LiveChat][i % 3];
        let mut row = ContactRow::new(account_id, channel);
        row.name = Some(name.into());
        row.email = Some(email.into());
        row.phone = Some(phone.into());
        row.city = Some(city.into());
        row.country = Some("BR".into());
        row.site_id = Some(sites[i % sites.len()]);
        row.page_url = Some(format!("https://loja.example.com/planos?ref={i}"));
        row.source = Some(source.into());
        row.medium = Some(medium.into());
        row.rating = Some((i % 5 + 1) as i16);
        row.status = status.as_str().into();
        row.assignee_id = agents.get(i % (agents.len() + 1)).copied();
        row.tags = if i % 3 == 0 { vec!["plano-familia".into()] } else { vec![] };
        row.first_contact_at = now - Duration::hours(7 * i as i64 + 1);
        let contact = contacts::insert(conn, &row)?;
        contacts::log_changes(conn, account_id, contact.id, &seeder, &[("created", None, Some(json!(channel)))])?;
        if channel == Channel::Chatbot {
            let first = name.split(' ').next().unwrap_or(name);
            let lines = [
                (MessageSender::Bot, "Olá! Sou o assistente virtual. Qual é o seu nome?".to_string()),
                (MessageSender::Visitor, first.to_string()),
                (MessageSender::Bot, format!("Prazer, {first}! Qual é o melhor e-mail para contato?")),
                (MessageSender::Visitor, email.to_string()),
                (MessageSender::Bot, "Obrigado! Um consultor vai falar com você em breve.".to_string()),
            ];
            let messages: Vec<TranscriptMessage> = lines
                .into_iter()
                .enumerate()
                .map(|(j, (sender, body))| TranscriptMessage {
                    sender,
                    body,
                    sent_at: Some(row.first_contact_at + Duration::seconds(20 * j as i64)),
                })
                .collect();
            transcript::store(conn, account_id, contact.id, contact.site_id, channel, &messages)?;
        }
    }
    Ok(())
}

/// The public key of the demo account's first site, for the demo customer page.
pub fn demo_site_key(conn: &mut PgConnection) -> ApiResult<Option<String>> {
    use crate::platform::db::schema::users;
    let account: Option<uuid::Uuid> =
        users::table.filter(users::email.eq(DEMO_ADMIN_EMAIL)).select(users::account_id).first(conn).optional()?;
    let Some(account) = account else { return Ok(None) };
    Ok(sites::table
        .filter(sites::account_id.eq(account))
        .order(sites::created_at.asc())
        .select(sites::public_key)
        .first(conn)
        .optional()?)
}

/// A sales pipeline shared with the agents, with deals linked to the first leads.
fn seed_demo_board(conn: &mut PgConnection, account_id: uuid::Uuid, agents: &[uuid::Uuid]) -> ApiResult<()> {
    use crate::platform::db::schema::{
        board_fields, board_labels, board_members, board_stages, boards, card_labels, cards, contacts as contact_rows,
    };
    let board_id = uuid::Uuid::new_v4();
    diesel::insert_into(boards::table)
        .values((
            boards::id.eq(board_id),
            boards::account_id.eq(account_id),
            boards::name.eq("Vendas"),
            boards::colour.eq("#2358d8"),
            // Every new deal starts with the usual first steps.
            boards::base_card
                .eq(serde_json::json!({"checklist": ["Consultar viabilidade técnica", "Enviar proposta"]})),
        ))
        .execute(conn)?;
    let members: Vec<_> =
        agents.iter().map(|u| (board_members::board_id.eq(board_id), board_members::user_id.eq(*u))).collect();
    diesel::insert_into(board_members::table).values(members).execute(conn)?;
    let template = domain::template_stages(domain::BoardTemplate::SalesPipeline);
    let keys = domain::positions::spread_keys(None, template.len());
    let mut stage_ids = Vec::new();
    for ((_, pt, colour, stale), key) in template.iter().zip(keys) {
        let id = uuid::Uuid::new_v4();
        diesel::insert_into(board_stages::table)
            .values((
                board_stages::id.eq(id),
                board_stages::account_id.eq(account_id),
                board_stages::board_id.eq(board_id),
                board_stages::name.eq(*pt),
                board_stages::colour.eq(*colour),
                board_stages::stale_days.eq(*stale),
                board_stages::position.eq(key),
            ))
            .execute(conn)?;
        stage_ids.push(id);
    }
    let hot = uuid::Uuid::new_v4();
    diesel::insert_into(board_labels::table)
        .values((
            board_labels::id.eq(hot),
            board_labels::account_id.eq(account_id),
            board_labels::board_id.eq(board_id),
            board_labels::name.eq("Quente"),
            board_labels::colour.eq("#c0342b"),
        ))
        .execute(conn)?;
    diesel::insert_into(board_fields::table)
        .values((
            board_fields::id.eq(uuid::Uuid::new_v4()),
            board_fields::account_id.eq(account_id),
            board_fields::board_id.eq(board_id),
            board_fields::key.eq("installation"),
            board_fields::label.eq("Instalação"),
            board_fields::kind.eq("date"),
        ))
        .execute(conn)?;
    let leads: Vec<(uuid::Uuid, Option<String>)> = contact_rows::table
        .filter(contact_rows::account_id.eq(account_id))
        .order(contact_rows::first_contact_at.desc())
        .limit(6)
        .select((contact_rows::id, contact_rows::name))
        .load(conn)?;
    let deals = [
        ("Fibra 500 MB", 0, 9990),
        ("Plano empresarial", 1, 189_000),
        ("Upgrade 1 GB", 1, 14_990),
        ("Link dedicado", 2, 450_000),
        ("Fibra 300 MB", 3, 7990),
        ("Combo TV + fibra", 4, 21_990),
    ];
    let keys = domain::positions::spread_keys(None, deals.len());
    for (i, (((product, stage, cents), (contact, name)), key)) in deals.iter().zip(leads).zip(keys).enumerate() {
        let id = uuid::Uuid::new_v4();
        diesel::insert_into(cards::table)
            .values((
                cards::id.eq(id),
                cards::account_id.eq(account_id),
                cards::board_id.eq(board_id),
                cards::stage_id.eq(stage_ids[*stage]),
                cards::position.eq(key),
                cards::title.eq(format!("{product} — {}", name.unwrap_or_default())),
                cards::contact_id.eq(contact),
                cards::amount_minor.eq(*cents as i64),
                cards::currency.eq("BRL"),
                cards::product.eq(*product),
            ))
            .execute(conn)?;
        if i % 2 == 0 {
            diesel::insert_into(card_labels::table)
                .values((card_labels::card_id.eq(id), card_labels::label_id.eq(hot)))
                .execute(conn)?;
        }
    }
    Ok(())
}
