// Starts the page. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts. The build rewrites these names to their content-hashed ones.
//
// The login page is a few kilobytes of its own (login.js); the WebAssembly app loads for
// everything else. A visitor without a session (the app's hint, `api::may_have_session`) is
// sent to the login page before the app downloads, and comes back to where they were going.
const OPEN_PAGES = ["/signup", "/verify-email", "/accept-invitation", "/forgot-password", "/reset-password"];
let signedIn = null;
try {
  signedIn = localStorage.getItem("prospecta.signed_in");
} catch {}
const path = location.pathname;
if (path === "/login") {
  import("/login.js");
} else if (!signedIn && !OPEN_PAGES.includes(path)) {
  location.replace(`/login?next=${encodeURIComponent(path + location.search)}`);
} else {
  import("/frontend.js").then(({ default: init }) => init({ module_or_path: "/frontend_bg.wasm" }));
}
