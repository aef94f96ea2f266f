//! Generates this crate's client from its own spec, as a downstream crate would.
fn main() {
    if let Err(e) = bitrix_codegen::build_rs("spec", "bitrix_api.rs") {
        panic!("{e}");
    }
}
