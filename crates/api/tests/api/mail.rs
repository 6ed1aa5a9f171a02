//! Assignment e-mails go through the outbox to a real SMTP server (aiosmtpd), and survive
//! that server being down.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use api::mailer::MailConfig;
use serde_json::json;

use crate::helpers::TestApp;

/// aiosmtpd writing every message it receives into a Maildir.
struct SmtpSink {
    child: Child,
    maildir: PathBuf,
}

impl SmtpSink {
    fn start(port: u16, maildir: &Path) -> SmtpSink {
        let python = std::env::var("SMTP_SINK_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd is installed (make tools-test: Debian's python3-aiosmtpd)");
        let sink = SmtpSink { child, maildir: maildir.to_path_buf() };
        wait_for("the SMTP sink to listen", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        sink
    }

    fn messages(&self) -> Vec<String> {
        std::fs::read_dir(self.maildir.join("new"))
            .map(|dir| dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
            .unwrap_or_default()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Like [`wait_for`], yielding to the runtime between checks: the server's background jobs
/// (the mail sender) are tasks on the test's runtime.
async fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_assignment_email_is_delivered_once_the_mail_server_comes_back() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = TestApp::spawn_with(|c| {
        c.mail = Some(MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "Prospecta <no-reply@prospecta.test>".into(),
            poll_interval: Duration::from_millis(100),
            retry_base: Duration::from_millis(300),
        })
    })
    .await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let agent = app.create_user(&admin, "bruno@acme.test", "agent").await;
    // Only the lead's mail matters here, not the sign-up and invitation links.
    diesel::RunQueryDsl::execute(diesel::sql_query("DELETE FROM email_outbox"), &mut app.conn()).unwrap();
    let res = app
        .post(
            "/api/v1/contacts",
            Some(&admin.token),
            &json!({"name": "Carla Lead", "email": "carla@x.test", "assignee_id": agent.user.id}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // The server is down: the message stays queued and is retried.
    wait_until("a failed delivery attempt", || {
        app.count(
            "SELECT count(*) FROM email_outbox WHERE attempts >= 1 AND sent_at IS NULL AND last_error IS NOT NULL",
        ) == 1
    })
    .await;

    let maildir = std::env::temp_dir().join(format!("prospecta-mail-{}", uuid::Uuid::new_v4().simple()));
    let sink = SmtpSink::start(port, &maildir);
    wait_until("the retry to deliver", || {
        app.count("SELECT count(*) FROM email_outbox WHERE sent_at IS NOT NULL") == 1
    })
    .await;

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: bruno@acme.test"), "{}", messages[0]);
    assert!(messages[0].contains("Subject: [Prospecta] New lead assigned to you: \"Carla Lead\""), "{}", messages[0]);
    assert!(messages[0].contains("carla@x.test"));
    drop(sink);
    let _ = std::fs::remove_dir_all(maildir);
}

/// The e-mails speak the language the recipient chose in the app, which the app sends as
/// `Accept-Language` at sign-up, sign-in and each refresh.
#[tokio::test]
async fn each_mail_is_in_the_language_its_recipient_chose() {
    use crate::helpers::PASSWORD;
    let app = TestApp::spawn().await;
    let in_lang = |path: &str, lang: &str, body: serde_json::Value| {
        app.client.post(format!("{}{path}", app.base)).header("accept-language", lang).json(&body).send()
    };

    // Signing up from a Portuguese screen: the confirmation is in Portuguese.
    let signup = json!({"account_name": "Loja", "name": "Ana", "email": "ana@loja.test", "password": PASSWORD});
    assert_eq!(in_lang("/api/v1/auth/signup", "pt-BR,pt;q=0.9", signup).await.unwrap().status(), 202);
    let (subject, body) = app.last_mail("ana@loja.test");
    assert_eq!(subject, "[Prospecta] Confirme seu endereço de e-mail");
    assert!(body.starts_with("Olá, Ana,"), "{body}");
    let token = app.mailed_token("ana@loja.test", "/verify-email?token=");
    let res = in_lang("/api/v1/auth/signup/confirm", "pt-BR", json!({"token": token})).await.unwrap();
    assert_eq!(res.status(), 201);
    let admin = crate::helpers::session(res.json().await.unwrap());
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'ana@loja.test' AND lang = 'pt-BR'"), 1);

    // An invitation from that screen, then the invitee signs in from an English one.
    let invite = json!({"email": "bia@loja.test", "name": "Bia", "role": "agent"});
    let res = app
        .client
        .post(format!("{}/api/v1/invitations", app.base))
        .bearer_auth(&admin.token)
        .header("accept-language", "pt-BR")
        .json(&invite)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(app.last_mail("bia@loja.test").0, "[Prospecta] Você foi convidado para uma conta do Prospecta");
    let bia = app.accept_invitation("bia@loja.test").await;
    let login = json!({"email": "bia@loja.test", "password": PASSWORD});
    assert_eq!(in_lang("/api/v1/auth/login", "en-US,en;q=0.8", login.clone()).await.unwrap().status(), 200);

    // Caio joins from a Portuguese screen.
    let invite = json!({"email": "caio@loja.test", "name": "Caio", "role": "agent"});
    assert_eq!(app.post("/api/v1/invitations", Some(&admin.token), &invite).await.status(), 201);
    let token = app.mailed_token("caio@loja.test", "/accept-invitation?token=");
    let accept = json!({"token": token, "password": PASSWORD});
    let res = in_lang("/api/v1/invitations/accept", "pt-BR", accept).await.unwrap();
    assert_eq!(res.status(), 201);
    let caio = crate::helpers::session(res.json().await.unwrap());

    // A lead assigned to each: Caio reads Portuguese, Bia English.
    for (who, expected) in [(&caio, "Novo lead atribuído a você"), (&bia, "New lead assigned to you")] {
        let lead = json!({"name": "Rita", "email": format!("rita-{}@x.test", who.user.id), "assignee_id": who.user.id});
        assert_eq!(app.post("/api/v1/contacts", Some(&admin.token), &lead).await.status(), 201);
        let subject = app.last_mail(&who.user.email).0;
        assert!(subject.contains(expected), "{}: {subject}", who.user.email);
    }

    // A sign-in from a Portuguese screen switches Bia; one without the header changes nothing.
    assert_eq!(in_lang("/api/v1/auth/login", "pt-BR", login.clone()).await.unwrap().status(), 200);
    assert_eq!(app.login("bia@loja.test", PASSWORD).await.status(), 200);
    let reset = json!({"email": "bia@loja.test"});
    assert_eq!(app.post("/api/v1/auth/password-reset", None, &reset).await.status(), 202);
    for _ in 0..200 {
        if app.last_mail("bia@loja.test").0.contains("senha") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.last_mail("bia@loja.test").0, "[Prospecta] Redefina sua senha");
}
