//! `durchblick`: read, check and keep what a Smart Meter Gateway holds about you.

fn main() {
    println!("durchblick {}", env!("CARGO_PKG_VERSION"));
}
