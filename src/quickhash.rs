//! A quick, non-cryptographic hash for the hot maps whose keys come from our own data (stems
//! while indexing, column ordinals while counting a report): std's default SipHash, built to
//! resist crafted keys, cost more there than the work the maps save.

use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap<K, V, Quick>`.
pub type Quick = BuildHasherDefault<QuickHasher>;

/// Multiply-rotate mixing, eight bytes at a step.
#[derive(Default)]
pub struct QuickHasher(u64);

impl QuickHasher {
    fn mix(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.mix(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
