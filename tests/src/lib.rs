//! Cross-crate end-to-end tests live in `tests/tests/`; this library is empty on purpose.
//! They run the whole chain a consumer runs before the gateway is removed (manual chapter
//! E-7): mock gateway → sync → archive → decommissioning bundle → verify → re-import.
