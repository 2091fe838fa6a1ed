//! A writer process killed at a random point leaves a consistent archive: every window is
//! either completely there with its resume point, or not at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use archive::{Archive, ChannelWindow, Scope};
use common::*;

const ENV: &str = "ARCHIVE_KILL_TEST_PATH";
const WINDOW: i64 = 2976; // 31 days of quarter hours

/// The child: syncs window after window forever (until killed).
#[tokio::test]
#[ignore = "run by kill_mid_sync_leaves_whole_windows as a child process"]
async fn child_writer() {
    let Ok(path) = std::env::var(ENV) else {
        return;
    };
    let db = Archive::open(&path).await.unwrap();
    let f = fixture(&db, "ethe0300004261", "c1").await;
    let mut w = 0;
    loop {
        let from = match db.resume_point(f.channel).await.unwrap() {
            Some(t) => (t.timestamp() - T0) / 900,
            None => 0,
        };
        let rs = readings(from..from + WINDOW);
        db.store_window(
            &[ChannelWindow {
                channel: f.channel,
                readings: &rs,
                synced_until: Some(t(T0 + (from + WINDOW) * 900)),
            }],
            None,
            now(),
        )
        .await
        .unwrap();
        w += 1;
        if w == 1 {
            println!("first window stored");
        }
    }
}

#[tokio::test]
async fn kill_mid_sync_leaves_whole_windows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let exe = std::env::current_exe().unwrap();
    for round in 0..3u64 {
        let mut child = Command::new(&exe)
            .args(["child_writer", "--exact", "--ignored", "--nocapture"])
            .env(ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Let it write for a while, a different time each round, then SIGKILL.
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(700 + 450 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(start.elapsed() > Duration::from_millis(500));

        let db = Archive::open_existing(&path).await.unwrap();
        let st = db.status(Scope::All).await.unwrap();
        assert_eq!(st.len(), 1);
        let s = &st[0];
        let windows = s.count as i64 / WINDOW;
        assert_eq!(
            s.count as i64 % WINDOW,
            0,
            "round {round}: a partial window survived ({} readings)",
            s.count
        );
        let expected_resume = if windows == 0 {
            None
        } else {
            Some(t(T0 + windows * WINDOW * 900))
        };
        assert_eq!(s.synced_until, expected_resume, "round {round}");
        assert_eq!((s.gaps, s.conflicts), (0, 0));
        assert!(db.check_integrity().await.unwrap().is_empty());
        db.close().await;
        if round == 2 {
            assert!(windows > 0, "the child never got a window stored");
        }
    }
}
