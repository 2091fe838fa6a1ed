//! The domain of a Smart Meter Gateway's consumer data. No IO.
