//! Every parser must return an error value for any input, never panic.
//! Inputs are generated deterministically from characters that occur in real data, so
//! near-misses of every accepted form are tried.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a panic is a test's failure report

use smgw_model::time::{parse_datetime, parse_german, parse_time_of_day, NaiveAs};
use smgw_model::{
    ChannelName, CombinedStatus, DeviceId, GatewayStatus, Lang, MeteringPointId, Obis, ScaledValue,
};

/// A small linear congruential generator: reproducible without extra crates.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

const ALPHABET: &[char] = &[
    '0', '1', '2', '5', '9', 'a', 'A', 'e', 'E', 'f', 'F', 'Z', 'T', 't', ' ', '-', '+', ':', '.',
    ',', '*', '&', 's', 'm', 'M', 'S', 'P', 'C', 'x', 'ä', '€', '=', '\n',
];

#[test]
fn parsers_never_panic() {
    let seeds = [
        "2017-10-29T02:45:00+1:00",
        "1-0:1.8.0*255",
        "0100010800ff.1ESY1160449476.sm",
        "EPPC0210486901",
        "29.10.2017 02:45 MESZ",
    ];
    let mut rng = Lcg(42);
    let mut accepted = 0;
    for i in 0..40_000 {
        let input: String = if i % 2 == 0 {
            let len = (rng.next() % 40) as usize;
            (0..len)
                .map(|_| ALPHABET[(rng.next() as usize) % ALPHABET.len()])
                .collect()
        } else {
            // Mutate a valid seed at one position.
            let mut chars: Vec<char> = seeds[(rng.next() as usize) % seeds.len()].chars().collect();
            let pos = (rng.next() as usize) % chars.len();
            match rng.next() % 3 {
                0 => chars[pos] = ALPHABET[(rng.next() as usize) % ALPHABET.len()],
                1 => {
                    chars.remove(pos);
                }
                _ => chars.insert(pos, ALPHABET[(rng.next() as usize) % ALPHABET.len()]),
            }
            chars.into_iter().collect()
        };
        accepted += usize::from(parse_datetime(&input, NaiveAs::Berlin).is_ok());
        accepted += usize::from(parse_datetime(&input, NaiveAs::Utc).is_ok());
        accepted += usize::from(parse_german(&input).is_ok());
        accepted += usize::from(parse_time_of_day(&input).is_ok());
        accepted += usize::from(input.parse::<Obis>().is_ok());
        accepted += usize::from(input.parse::<ChannelName>().is_ok());
        accepted += usize::from(input.parse::<DeviceId>().is_ok());
        accepted += usize::from(GatewayStatus::from_hex(&input).is_ok());
        accepted += usize::from(CombinedStatus::from_hex(&input).is_ok());
        accepted += usize::from(MeteringPointId::parse(&input).is_ok());
        accepted += usize::from(input.parse::<Lang>().is_ok());
        if let Ok(v) = ScaledValue::from_decimal_str(&input) {
            // Whatever parses must format back to a number that parses to the same value.
            assert_eq!(
                ScaledValue::from_decimal_str(&v.to_string()),
                Ok(v),
                "{input:?}"
            );
            accepted += 1;
        }
    }
    // The mutations keep many inputs valid; if nothing is accepted the generator is broken.
    assert!(accepted > 1_000, "only {accepted} inputs accepted");
}
