//! Prints the recomputed bill as JSON:
//! `cargo run -p tariff --example check_bill -- DEVICE.xml SUPPLIER.xml`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [device, supplier] = args.as_slice() else {
        eprintln!("usage: check_bill DEVICE.xml SUPPLIER.xml");
        return ExitCode::from(2);
    };
    match tariff::from_ar2418::check_bill(device, supplier) {
        Ok(result) => {
            println!("{}", result.to_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {}\n{}", e.code(), e.message_en(), e.message_de());
            ExitCode::FAILURE
        }
    }
}
