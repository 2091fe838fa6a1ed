//! Checksums of the supplier's tariff file, shown so the consumer can compare them with the
//! values printed on the bill or in the supplier's portal.
//!
//! TRuDI labels the second digest "SHA-3", but it is the Keccak submission with a 288-bit
//! output and the original Keccak padding (domain byte 0x01), not FIPS 202 SHA-3 (0x06).
//! No RustCrypto hash type has a 288-bit Keccak variant, so the sponge is built here on the
//! `keccak` crate's permutation.

use ripemd::{Digest, Ripemd160};
use serde::{Deserialize, Serialize};

/// Hex digests of the raw bytes of a supplier file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksums {
    /// RIPEMD-160, 40 lower-case hex digits.
    pub ripemd160: String,
    /// Keccak-288 (original padding), 72 lower-case hex digits; TRuDI calls it "SHA-3".
    pub sha3: String,
}

impl Checksums {
    /// Computes both digests over `bytes` exactly as read from disk (BOM included).
    pub fn of(bytes: &[u8]) -> Checksums {
        Checksums {
            ripemd160: hex::encode(Ripemd160::digest(bytes)),
            sha3: hex::encode(keccak288(bytes)),
        }
    }

    /// Whether no checksum was computed (a profile built by hand, not read from a file).
    pub fn is_empty(&self) -> bool {
        self.ripemd160.is_empty() && self.sha3.is_empty()
    }
}

/// Output length of Keccak-288 in bytes.
const KECCAK288_OUT: usize = 36;
/// Rate in bytes: 1600 − 2·288 bits = 1024 bits.
const KECCAK288_RATE: usize = 128;

/// Keccak-288 with the original (pre-FIPS) padding.
pub fn keccak288(data: &[u8]) -> [u8; KECCAK288_OUT] {
    let mut state = [0u64; 25];
    let mut blocks = data.chunks_exact(KECCAK288_RATE);
    for block in &mut blocks {
        absorb(&mut state, block);
        keccak::f1600(&mut state);
    }
    // Multi-rate padding pad10*1 with the Keccak domain bit: 0x01 … 0x80 (same byte if the
    // remainder fills the block up to its last byte).
    let rest = blocks.remainder();
    let mut last = [0u8; KECCAK288_RATE];
    // `rest` is shorter than a block (the remainder of exact chunks).
    for (to, from) in last.iter_mut().zip(rest) {
        *to = *from;
    }
    if let Some(first_pad) = last.get_mut(rest.len()) {
        *first_pad ^= 0x01;
    }
    if let Some(final_byte) = last.last_mut() {
        *final_byte ^= 0x80;
    }
    absorb(&mut state, &last);
    keccak::f1600(&mut state);

    // The output is shorter than the rate, so one squeeze suffices.
    let mut bytes = [0u8; KECCAK288_RATE];
    for (lane, chunk) in state.iter().zip(bytes.chunks_exact_mut(8)) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    let mut out = [0u8; KECCAK288_OUT];
    out.copy_from_slice(&bytes[..KECCAK288_OUT]);
    out
}

fn absorb(state: &mut [u64; 25], block: &[u8]) {
    for (lane, chunk) in state.iter_mut().zip(block.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *lane ^= u64::from_le_bytes(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed independently with pycryptodome's C Keccak (Keccak_Hash with
    // 36-byte digest, padding 0x01; its Keccak-256("") gives the well-known c5d24601…a470)
    // and pycryptodome's RIPEMD160.
    #[test]
    fn keccak288_vectors() {
        let cases: [(&[u8], &str); 3] = [
            (
                b"",
                "6753e3380c09e385d0339eb6b050a68f66cfd60a73476e6fd6adeb72f5edd7c6f04a5d01",
            ),
            (
                b"abc",
                "20ff13d217d5789fa7fc9e0e9a2ee627363ec28171d0b6c52bbd2f240554dbc94289f4d6",
            ),
            (
                b"The quick brown fox jumps over the lazy dog",
                "0bbe6afae0d7e89054085c1cc47b1689772c89a41796891e197d1ca1b76f288154933ded",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(hex::encode(keccak288(msg)), want);
        }
    }

    #[test]
    fn keccak288_multi_block_and_block_edges() {
        // 512 bytes = exactly four rate blocks: padding goes into a fresh block.
        let msg: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        assert_eq!(
            hex::encode(keccak288(&msg)),
            "661524da8315c1bae6e24e6df87b522d7902131de3aae5bf296462bc1264531d74b79d5a"
        );
        // 127 bytes: 0x01 and 0x80 meet in the same byte; 128 and 129 straddle a block.
        let edges = [
            (
                127,
                "9d7b229b2b1c8d545e74b8937834a9c3294219f178f7a98bbc90354953f5c6c785b2b50f",
            ),
            (
                128,
                "c774eee89ccceb72daf765a0f696f4e612994d295eeca78074d039abe133a4d670cb062e",
            ),
            (
                129,
                "eeb0c038e847abb87d546c57b9f2a47ec0b5929551f44bdf8680acb3f4b44927b77bdd6a",
            ),
        ];
        for (n, want) in edges {
            assert_eq!(
                hex::encode(keccak288(&vec![0u8; n])),
                want,
                "{n} zero bytes"
            );
        }
    }

    #[test]
    fn ripemd160_vectors() {
        assert_eq!(
            Checksums::of(b"").ripemd160,
            "9c1185a5c5e9fc54612808977ee8f548b2258d31"
        );
        assert_eq!(
            Checksums::of(b"abc").ripemd160,
            "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"
        );
    }
}
