//! The e-mails Prospecta sends, in the recipient's language: subject and plain-text body.
//!
//! Not in the SPA's catalogue (`i18n`): nothing here is shown on a screen, and the SPA's
//! wasm carries every catalogue string. Names and whatever a lead typed arrive already quoted
//! (`text::quote_lead_text`) by the caller.

use crate::i18n::Lang;

/// A subject and a body.
pub type Mail = (String, String);

fn pick(lang: Lang, en: &str, pt: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::PtBr => pt.to_string(),
    }
}

/// "[Prospecta] New lead assigned to you: "Maria"" — also the in-app title, without the tag.
pub fn lead_assigned_title(lang: Lang, who: Option<&str>) -> String {
    crate::text::about_client(&pick(lang, "New lead assigned to you", "Novo lead atribuído a você"), who)
}

/// A lead given to `name`; `fields` are (English label, quoted value) of what the lead sent.
pub fn lead_assigned(lang: Lang, name: &str, who: Option<&str>, fields: &[(&str, String)], link: &str) -> Mail {
    let title = lead_assigned_title(lang, who);
    let mut body = match lang {
        Lang::En => {
            format!("Hello {name},\n\nA new lead was assigned to you in Prospecta. What the lead sent (unverified):\n")
        }
        Lang::PtBr => format!(
            "Olá, {name},\n\nUm novo lead foi atribuído a você no Prospecta. O que o lead enviou (não verificado):\n"
        ),
    };
    for (label, value) in fields {
        let label = match (lang, *label) {
            (Lang::PtBr, "Name") => "Nome",
            (Lang::PtBr, "Phone") => "Telefone",
            (Lang::PtBr, "Page") => "Página",
            (_, label) => label,
        };
        body.push_str(&format!("  {label}: \"{value}\"\n"));
    }
    body.push_str(&match lang {
        Lang::En => format!("\nOpen it in Prospecta: {link}\n"),
        Lang::PtBr => format!("\nAbra no Prospecta: {link}\n"),
    });
    (format!("[Prospecta] {title}"), body)
}

pub fn password_reset(lang: Lang, name: &str, link: &str) -> Mail {
    match lang {
        Lang::En => (
            "[Prospecta] Reset your password".into(),
            format!(
                "Hello {name},\n\nSomeone (we hope you) asked to reset your Prospecta password. Open this link \
                 within an hour to choose a new one:\n\n{link}\n\nIf it was not you, ignore this e-mail: your \
                 password stays as it is.\n"
            ),
        ),
        Lang::PtBr => (
            "[Prospecta] Redefina sua senha".into(),
            format!(
                "Olá, {name},\n\nAlguém (esperamos que você) pediu para redefinir sua senha do Prospecta. Abra \
                 este link em até uma hora para escolher uma nova:\n\n{link}\n\nSe não foi você, ignore este \
                 e-mail: sua senha continua a mesma.\n"
            ),
        ),
    }
}

pub fn signup_confirm(lang: Lang, name: &str, link: &str) -> Mail {
    match lang {
        Lang::En => (
            "[Prospecta] Confirm your e-mail address".into(),
            format!(
                "Hello {name},\n\nConfirm your e-mail address to create your Prospecta account. The link works \
                 once, within 24 hours:\n\n{link}\n\nIf you did not sign up, ignore this e-mail: no account is \
                 created.\n"
            ),
        ),
        Lang::PtBr => (
            "[Prospecta] Confirme seu endereço de e-mail".into(),
            format!(
                "Olá, {name},\n\nConfirme seu endereço de e-mail para criar sua conta no Prospecta. O link \
                 funciona uma vez, em até 24 horas:\n\n{link}\n\nSe você não se cadastrou, ignore este e-mail: \
                 nenhuma conta é criada.\n"
            ),
        ),
    }
}

pub fn signup_existing(lang: Lang, login: &str, forgot: &str) -> Mail {
    match lang {
        Lang::En => (
            "[Prospecta] You already have an account".into(),
            format!(
                "Hello,\n\nSomeone (we hope you) tried to create a Prospecta account with this address, which \
                 already signs in to Prospecta. Nothing was changed.\n\nLog in: {login}\nForgot your password? \
                 {forgot}\n\nIf it was not you, ignore this e-mail.\n"
            ),
        ),
        Lang::PtBr => (
            "[Prospecta] Você já tem uma conta".into(),
            format!(
                "Olá,\n\nAlguém (esperamos que você) tentou criar uma conta no Prospecta com este endereço, que \
                 já entra no Prospecta. Nada foi alterado.\n\nEntrar: {login}\nEsqueceu a senha? {forgot}\n\n\
                 Se não foi você, ignore este e-mail.\n"
            ),
        ),
    }
}

/// `inviter`, `invitee` and `account` already quoted.
pub fn invitation(lang: Lang, inviter: &str, invitee: &str, account: &str, link: &str) -> Mail {
    match lang {
        Lang::En => (
            "[Prospecta] You are invited to a Prospecta account".into(),
            format!(
                "Hello \"{invitee}\",\n\n\"{inviter}\" invited you to the Prospecta account \"{account}\". Open \
                 this link within 7 days and choose a password to join:\n\n{link}\n\nIf you were not expecting \
                 it, ignore this e-mail.\n"
            ),
        ),
        Lang::PtBr => (
            "[Prospecta] Você foi convidado para uma conta do Prospecta".into(),
            format!(
                "Olá, \"{invitee}\",\n\n\"{inviter}\" convidou você para a conta \"{account}\" do Prospecta. \
                 Abra este link em até 7 dias e escolha uma senha para entrar:\n\n{link}\n\nSe você não \
                 esperava por isso, ignore este e-mail.\n"
            ),
        ),
    }
}

pub fn invitation_elsewhere(lang: Lang, inviter: &str, account: &str) -> Mail {
    match lang {
        Lang::En => (
            "[Prospecta] An invitation you cannot accept with this address".into(),
            format!(
                "Hello,\n\n\"{inviter}\" invited this address to the Prospecta account \"{account}\", but it \
                 already signs in to another Prospecta account, and an address belongs to one account only. To \
                 join, ask them to invite another address of yours.\n"
            ),
        ),
        Lang::PtBr => (
            "[Prospecta] Um convite que você não pode aceitar com este endereço".into(),
            format!(
                "Olá,\n\n\"{inviter}\" convidou este endereço para a conta \"{account}\" do Prospecta, mas ele \
                 já entra em outra conta do Prospecta, e um endereço pertence a uma só conta. Para entrar, peça \
                 um convite para outro endereço seu.\n"
            ),
        ),
    }
}

/// Which response target was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    Chat,
    Lead,
}

pub fn sla_breach_title(lang: Lang, breach: Breach, who: Option<&str>) -> String {
    let what = match breach {
        Breach::Chat => pick(lang, "Chat past its reply target", "Conversa passou do prazo de resposta"),
        Breach::Lead => pick(lang, "Lead untouched past its target", "Lead sem ação passou do prazo"),
    };
    crate::text::about_client(&what, who)
}

pub fn sla_breach(lang: Lang, breach: Breach, who: Option<&str>, link: &str) -> Mail {
    let title = sla_breach_title(lang, breach, who);
    let open = pick(lang, "Open it in Prospecta", "Abra no Prospecta");
    (format!("[Prospecta] {title}"), format!("{title}.\n\n{open}: {link}\n"))
}

pub fn webhook_disabled(lang: Lang, url: &str, hours: i64) -> Mail {
    match lang {
        Lang::En => (
            "A webhook was turned off".into(),
            format!(
                "Prospecta could not deliver webhooks to {url} for {hours} hours and turned the subscription \
                 off.\n\nEvents are no longer sent there. Fix the endpoint, then turn it back on in Settings → \
                 Webhooks; its delivery log shows each failed attempt and can send them again."
            ),
        ),
        Lang::PtBr => (
            "Um webhook foi desativado".into(),
            format!(
                "O Prospecta não conseguiu entregar webhooks para {url} por {hours} horas e desativou a \
                 assinatura.\n\nOs eventos não são mais enviados para lá. Corrija o endereço e reative-a em \
                 Configurações → Webhooks; o registro de entregas mostra cada tentativa que falhou e pode \
                 enviá-las de novo."
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mail_reads_in_the_recipients_language() {
        let (subject, body) =
            lead_assigned(Lang::PtBr, "Ana", Some("Maria"), &[("Phone", "+55 11".into())], "http://x/c/1");
        assert_eq!(subject, "[Prospecta] Novo lead atribuído a você: \"Maria\"");
        assert!(
            body.starts_with("Olá, Ana,")
                && body.contains("  Telefone: \"+55 11\"")
                && body.contains("Abra no Prospecta: http://x/c/1"),
            "{body}"
        );
        let (subject, body) = lead_assigned(Lang::En, "Ana", None, &[], "http://x");
        assert_eq!(subject, "[Prospecta] New lead assigned to you");
        assert!(body.contains("Open it in Prospecta: http://x"));
        for lang in [Lang::En, Lang::PtBr] {
            for (subject, body) in [
                password_reset(lang, "Ana", "L1"),
                signup_confirm(lang, "Ana", "L1"),
                signup_existing(lang, "L1", "L2"),
                invitation(lang, "Bia", "Ana", "Acme", "L1"),
                invitation_elsewhere(lang, "Bia", "Acme"),
                sla_breach(lang, Breach::Lead, Some("Rita"), "L1"),
                webhook_disabled(lang, "https://h", 24),
            ] {
                assert!(!subject.is_empty() && !body.is_empty());
                let english = body.contains("Hello") || body.contains("Open it") || body.contains("could not");
                assert_eq!(english, lang == Lang::En, "{lang:?}: {body}");
            }
        }
        assert!(password_reset(Lang::PtBr, "Ana", "L1").1.contains("L1"));
    }
}
