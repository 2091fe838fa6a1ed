//! What the archive holds, as the export crate's input: the export from the archive that
//! both front doors offer (it works without a gateway, e.g. after decommissioning).

use std::path::Path;

use archive::Archive;
use archive_io::{ExportError, Selection};
use chrono::{SubsecRound, Utc};
use export::ExportSet;

/// Everything the archive at `path` holds for `selection`. The archive must exist (an
/// export never creates one). The set is stamped with the current time in whole seconds:
/// the time appears beside file names (manifest, zip entries).
pub async fn export_set(path: &Path, selection: &Selection) -> Result<ExportSet, ExportError> {
    let db = Archive::open_existing(path).await?;
    let set = archive_io::export_set(&db, selection, Utc::now().trunc_subsecs(0)).await;
    db.close().await;
    set
}
