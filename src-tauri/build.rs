//! Embeds `tauri.conf.json` and the built front end (`../ui/dist`) into the binary.

fn main() {
    tauri_build::build();
}
