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
