// Loads the WebAssembly app. A file rather than an inline script, so the Content-Security-Policy
// can forbid inline scripts. The build rewrites these names to their content-hashed ones.
import init from "/frontend.js";
init({ module_or_path: "/frontend_bg.wasm" });
