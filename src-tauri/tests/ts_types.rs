//! The window's TypeScript types are generated from the Rust views (ts-rs), so the front
//! end cannot drift from what the commands send. The checked-in file
//! `ui/src/generated/views.ts` must equal what the Rust types say;
//! `UPDATE_FIXTURES=1 cargo test -p durchblick-app --test ts_types` rewrites it.

use std::path::Path;

use durchblick_app::about::AboutView;
use durchblick_app::commands::{
    ChosenPlace, FlowView, InstantRange, NewestView, OverviewView, PeriodFigure, PickedFile,
    ProposedPeriod,
};
use durchblick_app::views::*;
use ts_rs::TS;

/// Every view type the commands hand to the window, in dependency order (readable file).
fn declarations() -> String {
    let decls = [
        Text::decl(),
        PasswordHintsView::decl(),
        Instant::decl(),
        CertView::decl(),
        FirmwareView::decl(),
        ChainView::decl(),
        GatewayView::decl(),
        ChannelView::decl(),
        DatabaseView::decl(),
        PeriodView::decl(),
        WarningView::decl(),
        TariffStageView::decl(),
        SwitchView::decl(),
        DayProfileView::decl(),
        RawItemView::decl(),
        TariffProfileView::decl(),
        ContractView::decl(),
        ValueRow::decl(),
        PeriodAmount::decl(),
        ConsumptionView::decl(),
        ChartPoints::decl(),
        ChannelValues::decl(),
        StatusWords::decl(),
        StageBand::decl(),
        StagesView::decl(),
        ValuesView::decl(),
        LogView::decl(),
        LogbookView::decl(),
        AmountView::decl(),
        DayView::decl(),
        BillView::decl(),
        PeriodFigure::decl(),
        FlowView::decl(),
        NewestView::decl(),
        OverviewView::decl(),
        AboutView::decl(),
        PickedFile::decl(),
        ChosenPlace::decl(),
        ProposedPeriod::decl(),
        InstantRange::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/views.rs by src-tauri/tests/ts_types.rs (ts-rs).\n\
         // Do not edit: change the Rust type and run\n\
         // `UPDATE_FIXTURES=1 cargo test -p durchblick-app --test ts_types`.\n",
    );
    for d in decls {
        out.push_str("\nexport ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[test]
fn generated_types_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated/views.ts");
    let want = declarations();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dir");
        std::fs::write(&path, &want).expect("write generated types");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/generated/views.ts is stale: run UPDATE_FIXTURES=1 cargo test -p durchblick-app --test ts_types"
    );
}
