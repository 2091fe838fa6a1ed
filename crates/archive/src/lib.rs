//! The local archive: one SQLite file that keeps every reading and logbook entry a gateway
//! ever gave, with the state needed for incremental sync. The only crate that knows SQL.
//! Filled by issue 5.
