//! Generates the client from the committed spec on every build, so a spec progenitor cannot
//! read (or whose client does not compile) fails `make test`.
use std::{env, fs, path::PathBuf};

mod openapi30;

fn main() {
    let source = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../openapi/openapi.json");
    println!("cargo:rerun-if-changed={}", source.display());
    println!("cargo:rerun-if-changed=build");
    let text = fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    openapi30::downgrade(&mut doc);
    fs::write(
        PathBuf::from(env::var("OUT_DIR").unwrap()).join("openapi-3.0.json"),
        serde_json::to_vec_pretty(&doc).unwrap(),
    )
    .unwrap();
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc).expect("the 3.0 reading parses as OpenAPI 3.0");
    let mut settings = progenitor::GenerationSettings::default();
    settings.with_interface(progenitor::InterfaceStyle::Builder).with_tag(progenitor::TagStyle::Merged);
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator.generate_tokens(&spec).unwrap_or_else(|e| panic!("progenitor: {e}"));
    let file: syn::File = syn::parse2(tokens).expect("progenitor emits Rust");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("prospecta.rs");
    fs::write(out, prettyplease::unparse(&file)).unwrap();
}
