//! A CONEXA-style Smart Meter Gateway on loopback.
