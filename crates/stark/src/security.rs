//! Provable soundness of a proof, in bits, under the unique-decoding regime (UDR) and the
//! Johnson-bound list-decoding regime (JBR), with the formulas the Ethereum Foundation's
//! soundcalc uses for FRI-based DEEP-ALI STARKs with LogUp lookups.
//!
//! Each protocol step has its own soundness error; a proof is as strong as its weakest step.
//! Bits are `floor(-log2(error))` after subtracting the proof-of-work bits ground at that step.

use serde::Serialize;

/// A prime field extension `F_p^d`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FieldSpec {
    /// The prime `p` of the base field.
    pub base_modulus: u64,
    /// The degree `d` of the extension challenges are drawn from.
    pub extension_degree: u32,
}

impl FieldSpec {
    /// Number of elements of the extension field, as a float (2^155 and beyond fit).
    pub fn size(&self) -> f64 {
        (self.base_modulus as f64).powi(self.extension_degree as i32)
    }
}

/// One univariate LogUp argument: a set of `rows_looking` lookups into a table of `rows_table`
/// rows, with tuples of `columns` elements folded by powers of one challenge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookupSpec {
    /// Name of the bus, for the report.
    pub name: String,
    /// Rows (summed over tables) that look up.
    pub rows_looking: u64,
    /// Rows (summed over tables) that provide.
    pub rows_table: u64,
    /// Elements per looked-up tuple (soundcalc's S).
    pub columns: u64,
    /// Number of lookup arguments of this shape (soundcalc's M).
    pub lookups: u64,
    /// Proof-of-work bits ground before the lookup challenges.
    pub grinding_bits: u32,
}

/// Everything the soundness of one FRI-based STARK proof depends on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecurityInputs {
    /// The field challenges are drawn from.
    pub field: FieldSpec,
    /// `-log2` of the code rate.
    pub log_blowup: u32,
    /// `log2` of the largest trace height (the code dimension).
    pub log_trace_length: u32,
    /// Number of polynomial evaluations combined by powers of one challenge before FRI.
    pub batch_size: u64,
    /// FRI query repetitions.
    pub num_queries: u32,
    /// FRI folding factor of each commit round.
    pub folding_factors: Vec<u32>,
    /// Number of AIR constraints combined by the ALI challenge.
    pub num_constraints: u64,
    /// Largest AIR constraint degree.
    pub max_constraint_degree: u64,
    /// Number of points each polynomial is opened at (2: this row and the next).
    pub opening_points: u64,
    /// Proof-of-work bits before the batching challenge.
    pub grinding_batching: u32,
    /// Proof-of-work bits before each folding challenge.
    pub grinding_commit: u32,
    /// Proof-of-work bits before the query indices.
    pub grinding_query: u32,
    /// Proof-of-work bits before the out-of-domain point.
    pub grinding_deep: u32,
    /// The LogUp arguments.
    pub lookups: Vec<LookupSpec>,
}

/// Which proximity-gap theorem the FRI and batching errors are taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Regime {
    /// Unique decoding radius `(1 - rho) / 2`: weaker bits, no conjecture, list size 1.
    UniqueDecoding,
    /// Johnson bound `1 - sqrt(rho) - eta` (BCHKS25 Theorem 4.2) with soundcalc's gap choice.
    JohnsonBound,
}

/// Bits of security of one step of the protocol.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component {
    /// The step, named as soundcalc names it ("ALI", "DEEP", "batching", "commit round 1", ...).
    pub name: String,
    /// Bits of security of that step.
    pub bits: u32,
}

/// Security of a proof in one regime.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegimeReport {
    /// The regime.
    pub regime: Regime,
    /// Every step with its bits.
    pub components: Vec<Component>,
    /// The weakest step.
    pub total: u32,
}

impl RegimeReport {
    /// Bits of the named step, if present.
    pub fn bits_of(&self, name: &str) -> Option<u32> {
        self.components.iter().find(|c| c.name == name).map(|c| c.bits)
    }
}

/// Why a set of parameters cannot be evaluated.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SecurityError {
    /// DEEP needs `k + max_combo < (1 - theta) * n`; the parameters violate it.
    #[error(
        "parameters violate the DEEP multi-point condition (trace 2^{log_trace_length}, blowup 2^{log_blowup})"
    )]
    MultiPointCondition {
        /// Trace height exponent.
        log_trace_length: u32,
        /// Blowup exponent.
        log_blowup: u32,
    },
    /// Folding does not reduce the trace to a whole number of rounds.
    #[error("folding factors must be powers of two at least 2")]
    BadFolding,
}

/// Bits of security in both regimes: `[UDR, JBR]`.
pub fn security_levels(inputs: &SecurityInputs) -> Result<[RegimeReport; 2], SecurityError> {
    if inputs.folding_factors.iter().any(|&f| f < 2 || !f.is_power_of_two()) {
        return Err(SecurityError::BadFolding);
    }
    Ok([regime_report(inputs, Regime::UniqueDecoding)?, regime_report(inputs, Regime::JohnsonBound)?])
}

/// Bits of the whole proof: the Johnson-bound total, which is what a published number means.
pub fn proven_bits(inputs: &SecurityInputs) -> Result<u32, SecurityError> {
    Ok(security_levels(inputs)?[1].total)
}

struct RegimeMath {
    regime: Regime,
    field_size: f64,
}

impl RegimeMath {
    /// Johnson-bound gap eta; soundcalc's default for fields below 2^150 is the more
    /// conservative `max(rho / 20, sqrt(rho) / 100)`.
    fn gap(&self, rate: f64) -> f64 {
        if self.field_size > 2f64.powi(150) {
            rate.sqrt() / 100.0
        } else {
            (rate / 20.0).max(rate.sqrt() / 100.0)
        }
    }

    fn proximity(&self, rate: f64) -> f64 {
        match self.regime {
            Regime::UniqueDecoding => (1.0 - rate) / 2.0,
            Regime::JohnsonBound => 1.0 - rate.sqrt() - self.gap(rate),
        }
    }

    fn list_size(&self, rate: f64) -> f64 {
        match self.regime {
            Regime::UniqueDecoding => 1.0,
            Regime::JohnsonBound => 1.0 / (2.0 * self.gap(rate) * rate.sqrt()),
        }
    }

    /// Correlated-agreement error of one random linear combination of two words.
    fn error_linear(&self, rate: f64, dimension: f64) -> f64 {
        let n = dimension / rate;
        match self.regime {
            Regime::UniqueDecoding => ((1.0 - rate) / 2.0 * n + 1.0) / self.field_size,
            Regime::JohnsonBound => {
                let sqrt_rate = rate.sqrt();
                let m = ((sqrt_rate / (2.0 * self.gap(rate))).ceil()).max(3.0) + 0.5;
                let first = (2.0 * m.powi(5) + 3.0 * m * (self.proximity(rate) * rate)) * n
                    / (3.0 * rate * sqrt_rate);
                (first + m / sqrt_rate) / self.field_size
            }
        }
    }

    /// Error of combining `functions` words by powers of one challenge.
    fn error_powers(&self, rate: f64, dimension: f64, functions: f64) -> f64 {
        self.error_linear(rate, dimension) * (functions - 1.0)
    }
}

fn bits(error: f64, grinding: u32) -> u32 {
    let error = error * 2f64.powi(-(grinding as i32));
    (-error.log2()).floor().max(0.0) as u32
}

fn regime_report(inputs: &SecurityInputs, regime: Regime) -> Result<RegimeReport, SecurityError> {
    let field_size = inputs.field.size();
    let math = RegimeMath { regime, field_size };
    let rate = 2f64.powi(-(inputs.log_blowup as i32));
    let k = 2f64.powi(inputs.log_trace_length as i32);
    let domain = k / rate;
    let mut components = Vec::new();
    let mut push = |name: String, bits: u32| components.push(Component { name, bits });

    // DEEP-ALI.
    let theta = math.proximity(rate);
    let max_combo = inputs.opening_points as f64;
    if k + max_combo >= (1.0 - theta) * domain {
        return Err(SecurityError::MultiPointCondition {
            log_trace_length: inputs.log_trace_length,
            log_blowup: inputs.log_blowup,
        });
    }
    let list = math.list_size(rate);
    push("ALI".into(), bits(list * inputs.num_constraints as f64 / field_size, 0));
    let deep = list * (inputs.max_constraint_degree as f64 * (k + max_combo - 1.0) + (k - 1.0))
        / (field_size - k - domain);
    push("DEEP".into(), bits(deep, inputs.grinding_deep));

    // FRI: batching, one error per folding round, queries.
    let batching = math.error_powers(rate, k, inputs.batch_size as f64);
    push("batching".into(), bits(batching, inputs.grinding_batching));
    let mut folded = 1.0;
    for (round, &factor) in inputs.folding_factors.iter().enumerate() {
        folded *= factor as f64;
        let error = math.error_powers(rate, k / folded, factor as f64);
        push(format!("commit round {}", round + 1), bits(error, inputs.grinding_commit));
    }
    let query = (1.0 - theta).powi(inputs.num_queries as i32);
    push("query phase".into(), bits(query, inputs.grinding_query));

    // LogUp: K * H * S / |F| for univariate fingerprints.
    for lookup in &inputs.lookups {
        let rows = (lookup.rows_looking + lookup.rows_table) as f64;
        let error = lookup.lookups as f64 * rows * lookup.columns as f64 / field_size;
        push(lookup.name.clone(), bits(error, lookup.grinding_bits));
    }

    let total = components.iter().map(|c| c.bits).min().unwrap_or(0);
    Ok(RegimeReport { regime, components, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOALA_BEAR: u64 = (1 << 31) - (1 << 24) + 1;

    /// Pico's "riscv" circuit as published in soundcalc (zkvms/pico/pico.toml); the expected
    /// bits are soundcalc's own output for it (reports/pico.md).
    fn pico_riscv() -> SecurityInputs {
        let lookup = |name: &str, rows_looking: u64, rows_table: u64, columns: u64| LookupSpec {
            name: name.into(),
            rows_looking,
            rows_table,
            columns,
            lookups: 1,
            grinding_bits: 0,
        };
        SecurityInputs {
            field: FieldSpec { base_modulus: KOALA_BEAR, extension_degree: 4 },
            log_blowup: 1,
            log_trace_length: 22,
            batch_size: 1435,
            num_queries: 84,
            folding_factors: vec![2; 22],
            num_constraints: 4729,
            max_constraint_degree: 3,
            opening_points: 2,
            grinding_batching: 0,
            grinding_commit: 0,
            grinding_query: 16,
            grinding_deep: 0,
            lookups: vec![
                lookup("alu", 58720256, 33554432, 14),
                lookup("byte", 352321536, 589824, 6),
                lookup("global_type", 9437184, 8388608, 11),
                lookup("memory", 25165824, 25165824, 23),
                lookup("poseidon2", 8388608, 8388608, 33),
                lookup("program", 4194304, 4194304, 39),
                lookup("syscall", 4194304, 1048576, 5),
            ],
        }
    }

    #[test]
    fn matches_soundcalc_on_pico_riscv() {
        let [udr, jbr] = security_levels(&pico_riscv()).unwrap();
        // (component, UDR bits, JBR bits) from soundcalc's published report.
        let expected: &[(&str, u32, u32)] = &[
            ("alu", 93, 93),
            ("byte", 92, 92),
            ("global_type", 96, 96),
            ("memory", 93, 93),
            ("poseidon2", 94, 94),
            ("program", 95, 95),
            ("syscall", 99, 99),
            ("ALI", 111, 106),
            ("DEEP", 99, 95),
            ("batching", 92, 69),
            ("commit round 1", 103, 81),
            ("commit round 2", 104, 82),
            ("commit round 10", 112, 90),
            ("commit round 22", 123, 102),
            ("query phase", 50, 53),
        ];
        for &(name, u, j) in expected {
            assert_eq!(udr.bits_of(name), Some(u), "UDR {name}");
            assert_eq!(jbr.bits_of(name), Some(j), "JBR {name}");
        }
        assert_eq!((udr.total, jbr.total), (50, 53));
    }

    #[test]
    fn grinding_adds_bits_where_it_is_spent() {
        let base = pico_riscv();
        let mut ground = base.clone();
        ground.grinding_batching = 10;
        let [_, before] = security_levels(&base).unwrap();
        let [_, after] = security_levels(&ground).unwrap();
        assert_eq!(after.bits_of("batching").unwrap(), before.bits_of("batching").unwrap() + 10);
        assert_eq!(after.bits_of("query phase"), before.bits_of("query phase"));
    }

    #[test]
    fn more_queries_never_weaken() {
        let mut inputs = pico_riscv();
        let mut last = 0;
        for queries in [20, 40, 80, 160] {
            inputs.num_queries = queries;
            let bits = security_levels(&inputs).unwrap()[1].bits_of("query phase").unwrap();
            assert!(bits > last);
            last = bits;
        }
    }

    #[test]
    fn rejects_rate_one_half_on_tiny_domains_breaking_deep() {
        let mut inputs = pico_riscv();
        inputs.log_blowup = 0;
        assert!(matches!(security_levels(&inputs), Err(SecurityError::MultiPointCondition { .. })));
        inputs.log_blowup = 1;
        inputs.folding_factors = vec![3];
        assert_eq!(security_levels(&inputs), Err(SecurityError::BadFolding));
    }
}
