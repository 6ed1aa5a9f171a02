//! The targets on the site row, the new leads' clocks, and the watcher that records breaches.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::events::{ContactSlaBreached, ConversationRef, ConversationSlaBreached};
use domain::sla::SlaSettings;
use domain::ConversationStatus;
use uuid::Uuid;

use crate::notifications;
use crate::platform::db::schema::{contacts, conversations, lead_sla_clocks, sites, users};
use crate::platform::error::ApiResult;
use crate::platform::events::{self, Audience, EventData};
use crate::platform::{mailer, webhooks};

pub fn settings(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid) -> ApiResult<SlaSettings> {
    let (chat, lead) = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select((sites::sla_chat_first_response_secs, sites::sla_lead_first_contact_minutes))
        .first::<(Option<i32>, Option<i32>)>(conn)?;
    Ok(SlaSettings { chat_first_response_secs: chat, lead_first_contact_minutes: lead })
}

pub fn save(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid, wanted: SlaSettings) -> ApiResult<SlaSettings> {
    let saved = diesel::update(sites::table.filter(sites::account_id.eq(account_id)).filter(sites::id.eq(site_id)))
        .set((
            sites::sla_chat_first_response_secs.eq(wanted.chat_first_response_secs),
            sites::sla_lead_first_contact_minutes.eq(wanted.lead_first_contact_minutes),
        ))
        .execute(conn)?;
    if saved == 0 {
        return Err(crate::platform::error::ApiError::NotFound);
    }
    Ok(wanted)
}

/// Starts new lead `contact_id`'s first-contact clock when its site has a target.
pub fn start_lead_clock(conn: &mut PgConnection, account_id: Uuid, site_id: Uuid, contact_id: Uuid) -> ApiResult<()> {
    let target: Option<i32> = sites::table
        .filter(sites::account_id.eq(account_id))
        .filter(sites::id.eq(site_id))
        .select(sites::sla_lead_first_contact_minutes)
        .first::<Option<i32>>(conn)
        .optional()?
        .flatten();
    if let Some(minutes) = target {
        let now = Utc::now();
        diesel::insert_into(lead_sla_clocks::table)
            .values((
                lead_sla_clocks::contact_id.eq(contact_id),
                lead_sla_clocks::account_id.eq(account_id),
                lead_sla_clocks::site_id.eq(site_id),
                lead_sla_clocks::started_at.eq(now),
                lead_sla_clocks::due_at.eq(now + Duration::minutes(minutes as i64)),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}

/// The most breaches of each kind one pass records.
const BATCH: i64 = 200;

/// One watcher pass: every chat and lead whose target passed with nobody answering gets its
/// breach recorded and told. Returns how many.
pub fn watch(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    Ok(watch_chats(conn, public_url)? + watch_leads(conn, public_url)?)
}

#[derive(Queryable)]
struct BreachedChat {
    id: Uuid,
    account_id: Uuid,
    contact_id: Uuid,
    site_id: Option<Uuid>,
    status: String,
    owner_id: Option<Uuid>,
    waiting_since: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
}

fn watch_chats(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    let now = Utc::now();
    let due: Vec<Uuid> = conversations::table
        .filter(conversations::sla_due_at.le(now))
        .filter(conversations::sla_breached_at.is_null())
        .filter(conversations::first_response_at.is_null())
        .filter(
            conversations::status.eq_any([ConversationStatus::Waiting.as_str(), ConversationStatus::Active.as_str()]),
        )
        .order(conversations::sla_due_at)
        .limit(BATCH)
        .select(conversations::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    let breached: Vec<BreachedChat> = diesel::update(conversations::table.filter(conversations::id.eq_any(&due)))
        .set(conversations::sla_breached_at.eq(now))
        .returning((
            conversations::id,
            conversations::account_id,
            conversations::contact_id,
            conversations::site_id,
            conversations::status,
            conversations::owner_id,
            conversations::waiting_since,
            conversations::sla_due_at,
        ))
        .get_results(conn)?;
    for chat in &breached {
        let status = ConversationStatus::parse(&chat.status).unwrap_or(ConversationStatus::Waiting);
        let label = contact_label(conn, chat.contact_id)?;
        let breach = domain::mail_text::Breach::Chat;
        let title = domain::mail_text::sla_breach_title(domain::i18n::Lang::En, breach, label.as_deref());
        // Who can answer it: its operator once accepted, else whoever is on the desk.
        let mut told = admins(conn, chat.account_id)?;
        let mut mailed = told.clone();
        match chat.owner_id {
            Some(owner) => {
                told.push(owner);
                mailed.push(owner);
            }
            None => told.extend(online(conn, chat.account_id)?),
        }
        let link = format!("{public_url}/conversations/{}", chat.id);
        let told_about = Told { kind: "chat_sla_breached", title: &title, breach, who: label.as_deref() };
        tell(conn, chat.account_id, &told, &mailed, &told_about, chat.contact_id, &link)?;
        let (Some(waiting_since), Some(due_at)) = (chat.waiting_since, chat.due_at) else { continue };
        events::record(
            conn,
            chat.account_id,
            Audience::everyone(),
            EventData::ConversationSlaBreached(ConversationSlaBreached {
                conversation: ConversationRef { conversation_id: chat.id, status },
                site_id: chat.site_id,
                owner_id: chat.owner_id,
                waiting_since,
                due_at,
            }),
        )?;
    }
    Ok(breached.len())
}

/// A lead's clock as it ends: contact, account, site, started, due.
type EndedClock = (Uuid, Uuid, Option<Uuid>, DateTime<Utc>, DateTime<Utc>);

fn watch_leads(conn: &mut PgConnection, public_url: &str) -> ApiResult<usize> {
    let due: Vec<Uuid> = lead_sla_clocks::table
        .filter(lead_sla_clocks::due_at.le(Utc::now()))
        .order(lead_sla_clocks::due_at)
        .limit(BATCH)
        .select(lead_sla_clocks::contact_id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    let ended: Vec<EndedClock> =
        diesel::delete(lead_sla_clocks::table.filter(lead_sla_clocks::contact_id.eq_any(&due)))
            .returning((
                lead_sla_clocks::contact_id,
                lead_sla_clocks::account_id,
                lead_sla_clocks::site_id,
                lead_sla_clocks::started_at,
                lead_sla_clocks::due_at,
            ))
            .get_results(conn)?;
    let mut breaches = 0;
    for (contact_id, account_id, site_id, arrived_at, due_at) in ended {
        let Some((first_action, assignee)) = contacts::table
            .find(contact_id)
            .select((contacts::first_action_at, contacts::assignee_id))
            .first::<(Option<DateTime<Utc>>, Option<Uuid>)>(conn)
            .optional()?
        else {
            continue;
        };
        if first_action.is_some_and(|at| at <= due_at) {
            continue;
        }
        breaches += 1;
        let label = contact_label(conn, contact_id)?;
        let breach = domain::mail_text::Breach::Lead;
        let title = domain::mail_text::sla_breach_title(domain::i18n::Lang::En, breach, label.as_deref());
        let mut told = admins(conn, account_id)?;
        told.extend(assignee);
        let link = format!("{public_url}/clients/{contact_id}");
        let told_about = Told { kind: "lead_sla_breached", title: &title, breach, who: label.as_deref() };
        tell(conn, account_id, &told, &told, &told_about, contact_id, &link)?;
        webhooks::publish(
            conn,
            account_id,
            &EventData::ContactSlaBreached(ContactSlaBreached {
                contact_id,
                site_id,
                assignee_id: assignee,
                arrived_at,
                due_at,
            }),
        )?;
    }
    Ok(breaches)
}

fn contact_label(conn: &mut PgConnection, contact_id: Uuid) -> ApiResult<Option<String>> {
    let (name, email, phone) = contacts::table
        .find(contact_id)
        .select((contacts::name, contacts::email, contacts::phone))
        .first::<(Option<String>, Option<String>, Option<String>)>(conn)?;
    Ok(domain::text::contact_label(&name, &email, &phone))
}

fn admins(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::role.eq("admin"))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)?)
}

fn online(conn: &mut PgConnection, account_id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .filter(users::presence.eq(domain::Presence::Online.as_str()))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)?)
}

/// What a breach notice says: the bell's kind and (English) title; the e-mail is written in
/// each recipient's language from the breach and the client's label.
struct Told<'a> {
    kind: &'a str,
    title: &'a str,
    breach: domain::mail_text::Breach,
    who: Option<&'a str>,
}

/// In-app notification to each of `told` (once), an e-mail to each of `mailed` (once).
fn tell(
    conn: &mut PgConnection,
    account_id: Uuid,
    told: &[Uuid],
    mailed: &[Uuid],
    about: &Told,
    contact_id: Uuid,
    link: &str,
) -> ApiResult<()> {
    let once = |ids: &[Uuid]| {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        ids
    };
    for user in once(told) {
        notifications::notify(conn, account_id, user, about.kind, about.title, Some(contact_id))?;
    }
    let recipients: Vec<(String, String)> =
        users::table.filter(users::id.eq_any(once(mailed))).select((users::email, users::lang)).load(conn)?;
    for (email, lang) in recipients {
        let lang = domain::i18n::Lang::from_tag(&lang);
        let (subject, body) = domain::mail_text::sla_breach(lang, about.breach, about.who, link);
        mailer::enqueue(conn, account_id, &email, &subject, &body)?;
    }
    Ok(())
}
