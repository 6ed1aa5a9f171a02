//! Named client filters: private or shared with the account, checked as list filters, deleted by
//! their author (or, shared ones, by an admin), invisible to other accounts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{fields, problem, TestApp};

const PATH: &str = "/api/v1/contact-filters";

fn names(list: &Value) -> Vec<(String, bool, bool)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (f["name"].as_str().unwrap().to_string(), f["shared"].as_bool().unwrap(), f["mine"].as_bool().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn client_filters_are_private_or_shared_with_the_account() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ana@acme.test").await;
    let bia = app.create_user(&admin, "bia@acme.test", "agent").await;
    let caio = app.create_user(&admin, "caio@acme.test", "agent").await;
    let other = app.signup("Other", "otto@other.test").await;

    let save = |name: &str, query: &str, shared: bool| json!({"name": name, "query": query, "shared": shared});
    let res = app.post(PATH, Some(&bia.token), &save("Quentes", "?status=in_progress&tag=vip", false)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let private: Value = res.json().await.unwrap();
    assert_eq!(private["query"], "status=in_progress&tag=vip", "a leading ? is dropped");
    assert_eq!((private["shared"].as_bool(), private["mine"].as_bool()), (Some(false), Some(true)));
    let res = app.post(PATH, Some(&bia.token), &save("Novos do site", "status=to_contact", true)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let shared: Value = res.json().await.unwrap();

    // Refused, each naming its field, nothing saved: a taken name, a blank one, a query that
    // is no list filter, an unknown field.
    let taken = problem(app.post(PATH, Some(&bia.token), &save("Quentes", "", true)).await, StatusCode::CONFLICT).await;
    assert_eq!(fields(&taken), ["name"]);
    for (body, field) in [
        (save("  ", "status=to_contact", false), "name"),
        (save("Ruim", "status=bogus", false), "query"),
        (save("Ruim", "from=31/02/2026", false), "query"),
        (json!({"name": "x", "query": "", "color": "red"}), "color"),
    ] {
        let res = app.post(PATH, Some(&bia.token), &body).await;
        assert_eq!(fields(&problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), [field], "{body}");
    }

    // Bia sees both; Caio and the admin only the shared one, not as theirs; another account nothing.
    let list = |token: String| {
        let app = &app;
        async move { app.get(PATH, &token).await.json::<Value>().await.unwrap() }
    };
    let mine = (String::from("Quentes"), false, true);
    assert_eq!(names(&list(bia.token.clone()).await), [(String::from("Novos do site"), true, true), mine]);
    assert_eq!(names(&list(caio.token.clone()).await), [(String::from("Novos do site"), true, false)]);
    assert_eq!(names(&list(admin.token.clone()).await), [(String::from("Novos do site"), true, false)]);
    assert!(names(&list(other.token.clone()).await).is_empty());
    // The same name is anyone else's to use.
    assert_eq!(app.post(PATH, Some(&caio.token), &save("Quentes", "", false)).await.status(), StatusCode::CREATED);

    // Deleting: not someone else's private filter (even as admin), not a shared one as another
    // agent, not across accounts; the author, or an admin for a shared one.
    let path = |f: &Value| format!("{PATH}/{}", f["id"].as_str().unwrap());
    for (who, filter) in [(&admin, &private), (&caio, &shared), (&other, &shared), (&other, &private)] {
        problem(app.delete(&path(filter), &who.token).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(app.delete(&path(&shared), &admin.token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&path(&private), &bia.token).await.status(), StatusCode::NO_CONTENT);
    assert!(names(&list(bia.token.clone()).await).is_empty());
    problem(app.delete(&format!("{PATH}/not-a-uuid"), &bia.token).await, StatusCode::NOT_FOUND).await;
}
