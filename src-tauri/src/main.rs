//! `durchblick-app`: the desktop window. `--demo` (or `DURCHBLICK_DEMO=1`) connects to
//! the bundled demo gateway at start.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match durchblick_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "Durchblick: das Fenster ließ sich nicht öffnen / cannot open the window: {e}"
            );
            std::process::ExitCode::FAILURE
        }
    }
}
