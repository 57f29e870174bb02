//! Input: records of 97 bytes (32-byte message hash, 64-byte r || s, recovery id). Output: per
//! record 65 bytes: 1 and the recovered public key (x || y), or 0 and zeros for an invalid
//! signature. Recovery runs on the secp256k1 accelerators.
#![no_std]
#![no_main]

hearth_runtime::entry!(main);

fn main() {
    let input = hearth_runtime::read_input();
    for record in input.chunks_exact(97) {
        let msg: &[u8; 32] = record[..32].try_into().expect("32 bytes");
        let sig: &[u8; 64] = record[32..96].try_into().expect("64 bytes");
        match hearth_accel::ecrecover(msg, sig, record[96]) {
            Some(key) => {
                hearth_runtime::write_output(&[1]);
                hearth_runtime::write_output(&key);
            }
            None => hearth_runtime::write_output(&[0; 65]),
        }
    }
}
