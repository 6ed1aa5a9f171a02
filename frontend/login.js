// The login page, without the WebAssembly app: a signed-out visitor gets a working form after a
// few kilobytes, and the app (every other screen) downloads once they are in (docs/STYLE.md,
// "Weight"). Same markup and classes as the app's forms; the words come from the app's own
// catalogue, written in by scripts/build-frontend.sh where `MESSAGES` stands. Problems are
// shown as the server writes them, in the language asked for (`Accept-Language`).
const MESSAGES = {};
const LANG_KEY = "prospecta.lang";
const SESSION_HINT = "prospecta.signed_in";

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

let lang = (stored(LANG_KEY) || navigator.language || "en").toLowerCase().startsWith("pt") ? "pt-BR" : "en";
const t = (key) => MESSAGES[key][lang === "pt-BR" ? 1 : 0];

// Where the visitor was going: a path of this site only.
function next() {
  const to = new URLSearchParams(location.search).get("next") || "";
  return to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/login") ? to : "/clients";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function render(problem, values) {
  document.documentElement.lang = lang;
  document.title = `${t("LogIn")} · ${t("AppName")}`;
  const email = el("input", { type: "email", name: "email", autocomplete: "username", required: "" });
  const password = el("input", { type: "password", name: "password", autocomplete: "current-password", required: "" });
  email.value = values.email || "";
  password.value = values.password || "";
  const fieldError = (name) => {
    const error = problem && (problem.errors || []).find((e) => e.field === name);
    return error ? [el("small", { class: "field-error", "data-field": name }, error.message)] : [];
  };
  const formError = problem && !(problem.errors || []).length
    ? [el("p", { class: "form-error", role: "alert" }, problem.detail || problem.title)]
    : [];
  const submit = el("button", { type: "submit" }, t("LogIn"));
  const form = el("form", {},
    el("label", {}, t("Email"), email), ...fieldError("email"),
    el("label", {}, t("Password"), password), ...fieldError("password"),
    ...formError, submit);
  const choice = el("select", { class: "lang", "aria-label": t("Language") },
    el("option", { value: "en" }, "English"), el("option", { value: "pt-BR" }, "Português"));
  choice.value = lang;
  choice.addEventListener("change", () => {
    lang = choice.value;
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {}
    render(null, { email: email.value, password: password.value });
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    const values = { email: email.value, password: password.value };
    let answer;
    try {
      const res = await fetch("/api/v1/auth/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json", "accept-language": lang },
        body: JSON.stringify(values),
      });
      if (res.ok) {
        // The refresh cookie is set: the app opens with one refresh (`api::may_have_session`).
        try {
          localStorage.setItem(SESSION_HINT, "1");
        } catch {}
        location.assign(next());
        return;
      }
      answer = await res.json().catch(() => ({ title: `HTTP ${res.status}` }));
    } catch {
      answer = { title: t("ProblemNetwork") };
    }
    render(answer, values);
    (answer.errors && answer.errors.length ? (answer.errors[0].field === "password" ? password : email) : submit).focus();
  });
  const main = el("main", { class: "auth-card", id: "main" },
    el("div", { class: "auth-head" }, el("h1", {}, t("AppName")), choice),
    form,
    el("p", {}, el("a", { href: "/forgot-password" }, t("ForgotPassword"))),
    el("p", {}, el("a", { href: "/signup" }, t("NoAccount"))));
  document.body.replaceChildren(main);
}

render(null, {});

// While the visitor types, the app downloads into the HTTP cache (its files are content-hashed
// and cached for good), so the screen after this one opens without waiting for it.
(window.requestIdleCallback || setTimeout)(() => {
  for (const href of ["/frontend.js", "/frontend_bg.wasm"]) {
    document.head.append(el("link", { rel: "prefetch", href, as: href.endsWith(".js") ? "script" : "fetch", crossorigin: "" }));
  }
});
