//! The transparency function: recompute how much energy fell into each tariff stage of a
//! supplier's TAF-1 or TAF-2 tariff from the gateway's original value list. Pure
//! computation, no IO. Filled by issue 8.
