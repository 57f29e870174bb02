//! The Ethereum stateless block validation guest.
//!
//! Input: a [`hearth_ethereum::StatelessInput`] in its binary encoding (see `docs/ethereum.md`).
//! Output: the 196-byte [`hearth_ethereum::PublicOutput`]: valid, invalid or undecidable, with the
//! block hash, parent hash, pre- and post-state roots, chain id and configuration hash. The guest
//! exits with code 0 whatever the verdict: the verdict is the output. The reason for an invalid
//! block goes to the debug stream.
#![no_std]
#![no_main]

// Links the accelerated cryptography that `hearth-ethereum`'s `zkvm` build calls by symbol.
use hearth_accel as _;

hearth_runtime::entry!(main);

fn main() {
    hearth_ethereum::profile::set_hook(hearth_runtime::profile::mark);
    let input = hearth_runtime::read_input();
    let outcome = hearth_ethereum::validate_encoded(input);
    if let Err(error) = &outcome.result {
        hearth_runtime::println!("block not valid: {error}");
    }
    hearth_runtime::write_output(&outcome.public_output().encode());
}
