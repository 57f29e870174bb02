//! The opening argument (Plonky3's two-adic FRI PCS) as a recursion program: the claimed
//! evaluations absorbed, the batching and folding challenges and the query indices drawn as
//! the native verifier draws them, every queried row authenticated against its commitment,
//! the rows reduced into the DEEP quotient, each query's folding chain walked and
//! authenticated round by round, and its end compared with the final polynomial.

use std::collections::BTreeMap;

use hearth_stark::config::{EXTENSION_DEGREE, fri_parameters};
use hearth_stark::{Challenge, ProofParams, Val};
use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_fri::{FriParameters, FriShape, PcsShape};

use super::merkle::{MatrixShape, verify_batch_opening, verify_opened_batch};
use super::transcript::{DigestCells, digest_cells, pow_step, seed_of};
use crate::circuit::{Addr, CircuitBuilder, CircuitChallenger, Ext, Felt, Opened};

/// Values claimed for one matrix at one point.
#[derive(Clone, Debug)]
pub struct PointClaim {
    /// The point.
    pub point: Ext,
    /// One value per column.
    pub values: Vec<Ext>,
}

/// The claims about one committed matrix.
#[derive(Clone, Debug)]
pub struct MatrixClaim {
    /// `log2` of its trace domain (its committed height is this plus the blowup).
    pub log_height: usize,
    /// Its width.
    pub width: usize,
    /// Its points and values.
    pub points: Vec<PointClaim>,
}

/// The claims about one commitment, its matrices in commitment order.
#[derive(Clone, Debug)]
pub struct CommitmentClaim {
    /// The Merkle root.
    pub root: DigestCells,
    /// Its matrices.
    pub matrices: Vec<MatrixClaim>,
}

/// The FRI numbers of a parameter set: the native verifier's own parameters, without the
/// commitment scheme.
#[derive(Clone, Debug)]
pub struct FriConfig(pub FriParameters<()>);

impl From<&ProofParams> for FriConfig {
    fn from(params: &ProofParams) -> Self {
        Self(fri_parameters(params, ()))
    }
}

impl core::ops::Deref for FriConfig {
    type Target = FriParameters<()>;

    fn deref(&self) -> &FriParameters<()> {
        &self.0
    }
}

impl FriConfig {
    /// Committed heights (`log2`), tallest first, each once.
    pub fn input_log_heights(&self, claims: &[CommitmentClaim]) -> Vec<usize> {
        self.committed_log_heights(claims.iter().flat_map(|c| c.matrices.iter().map(|m| m.log_height)))
    }

    /// Committed heights (`log2`, with the blowup), tallest first, each once, of matrices whose
    /// trace domains have the `log_heights`.
    pub fn committed_log_heights(&self, log_heights: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut heights: Vec<usize> = log_heights.into_iter().map(|h| h + self.log_blowup).collect();
        heights.sort_unstable_by(|a, b| b.cmp(a));
        heights.dedup();
        heights
    }

    /// The folding schedule for committed heights (`log2`, tallest first): each round's arity.
    pub fn schedule(&self, committed_log_heights: &[usize]) -> Vec<usize> {
        p3_fri::fold_schedule(
            committed_log_heights,
            self.log_blowup + self.log_final_poly_len,
            self.max_log_arity,
        )
    }

    /// The folding schedule: `log2` of each round's arity.
    pub fn log_arities(&self, claims: &[CommitmentClaim]) -> Vec<usize> {
        self.schedule(&self.input_log_heights(claims))
    }
}

/// A query's opened rows, `[commitment][matrix][column]`.
#[derive(Clone, Debug)]
pub enum QueryRows {
    /// As cells: hashed by Poseidon2 calls, reduced one arithmetic row per value.
    Cells(Vec<Vec<Vec<Felt>>>),
    /// As opened values: hashed and summed by the opening table.
    Opened(Vec<Vec<Vec<Opened>>>),
}

/// One query's part of the proof, as program cells.
#[derive(Clone, Debug)]
pub struct QueryCells {
    /// The opened rows.
    pub rows: QueryRows,
    /// `[commitment]`: the authentication path of the rows, bottom first.
    pub paths: Vec<Vec<DigestCells>>,
    /// `[round]`: the other values of the folded group (arity - 1).
    pub fold_siblings: Vec<Vec<Ext>>,
    /// `[round]`: the authentication path of the group's row, bottom first.
    pub fold_paths: Vec<Vec<DigestCells>>,
}

/// The FRI proof as program cells.
#[derive(Clone, Debug)]
pub struct FriProofCells {
    /// Grinding witness before the batching challenge.
    pub batch_pow_witness: Felt,
    /// One commitment per folding round.
    pub commit_phase_commits: Vec<DigestCells>,
    /// One grinding witness per folding round.
    pub commit_pow_witnesses: Vec<Felt>,
    /// The final polynomial's coefficients, constant term first.
    pub final_poly: Vec<Ext>,
    /// Grinding witness before the query indices.
    pub query_pow_witness: Felt,
    /// The queries.
    pub queries: Vec<QueryCells>,
}

impl FriProofCells {
    /// Inputs for a FRI proof of this shape, taken from the prover in a fixed order (the order
    /// [`inner_inputs`](super::stark::inner_inputs) lays a proof's values out in).
    pub fn allocate(b: &mut CircuitBuilder, config: &FriConfig, claims: &[CommitmentClaim]) -> Self {
        let digest = digest_cells;
        let log_arities = config.log_arities(claims);
        let log_max = config.input_log_heights(claims)[0];
        let batch_pow_witness = b.input();
        let commit_phase_commits = log_arities.iter().map(|_| digest(b)).collect();
        let commit_pow_witnesses = log_arities.iter().map(|_| b.input()).collect();
        let final_poly = (0..1 << config.log_final_poly_len).map(|_| b.input_ext()).collect();
        let query_pow_witness = b.input();
        let queries = (0..config.num_queries)
            .map(|_| {
                let rows = if b.uses_opening_table() {
                    QueryRows::Opened(
                        claims
                            .iter()
                            .map(|c| {
                                c.matrices
                                    .iter()
                                    .map(|m| (0..m.width).map(|_| b.opened_input()).collect())
                                    .collect()
                            })
                            .collect(),
                    )
                } else {
                    QueryRows::Cells(
                        claims
                            .iter()
                            .map(|c| {
                                c.matrices.iter().map(|m| (0..m.width).map(|_| b.input()).collect()).collect()
                            })
                            .collect(),
                    )
                };
                let paths = claims
                    .iter()
                    .map(|c| {
                        let height =
                            c.matrices.iter().map(|m| m.log_height + config.log_blowup).max().unwrap_or(0);
                        (0..height).map(|_| digest(b)).collect()
                    })
                    .collect();
                let mut log_height = log_max;
                let mut fold_siblings = Vec::new();
                let mut fold_paths = Vec::new();
                for &log_arity in &log_arities {
                    fold_siblings.push((1..1 << log_arity).map(|_| b.input_ext()).collect());
                    log_height -= log_arity;
                    fold_paths.push((0..log_height).map(|_| digest(b)).collect());
                }
                QueryCells { rows, paths, fold_siblings, fold_paths }
            })
            .collect();
        Self {
            batch_pow_witness,
            commit_phase_commits,
            commit_pow_witnesses,
            final_poly,
            query_pow_witness,
            queries,
        }
    }
}

/// Cells of a run the prover needs before it can fill in the authentication paths.
#[derive(Clone, Debug)]
pub struct FriLayout {
    /// `[query]`: the index bits, least significant first.
    pub index_bits: Vec<Vec<Felt>>,
    /// `[query][round]`: the folded group's row.
    pub fold_rows: Vec<Vec<Vec<Ext>>>,
}

/// `g^(reverse of the h-bit number bits)` for the two-adic generator `g` of order `2^order`:
/// bit `j` of `bits` (least significant first) weighs `2^(h-1-j)`.
fn exp_reversed(b: &mut CircuitBuilder, log_order: usize, bits: &[Felt]) -> Felt {
    // Bit j of the reversed number is bits[h-1-j], of weight 2^j.
    let mut reversed = bits.to_vec();
    reversed.reverse();
    b.exp_bits(Val::two_adic_generator(log_order), &reversed)
}

fn ext_constant(b: &mut CircuitBuilder, value: Val) -> Ext {
    b.constant(value).into()
}

/// Verifies the opening argument for `claims` on the transcript `challenger` left after the
/// out-of-domain point. Panics on shapes that do not match (a bug of the program's builder).
pub fn verify_fri(
    b: &mut CircuitBuilder,
    challenger: &mut CircuitChallenger,
    config: &FriConfig,
    claims: &[CommitmentClaim],
    proof: &FriProofCells,
) -> FriLayout {
    // The PCS transcript: its seed, every claimed value, the batching challenge.
    let pcs_shape = PcsShape {
        claimed_evaluation_counts: claims
            .iter()
            .map(|c| c.matrices.iter().map(|m| m.points.iter().map(|p| p.values.len()).collect()).collect())
            .collect(),
        batch_pow_bits: config.batch_proof_of_work_bits,
    };
    for value in seed_of(&pcs_shape.domain_separator::<Val, Challenge>()) {
        let value = b.constant(value);
        challenger.observe(b, value);
    }
    for claim in claims {
        for matrix in &claim.matrices {
            for point in &matrix.points {
                for &value in &point.values {
                    challenger.observe_ext(b, value);
                }
            }
        }
    }
    pow_step(b, challenger, config.batch_proof_of_work_bits, proof.batch_pow_witness);
    let alpha = challenger.sample_ext(b);
    // The opening table sums a row by Horner's rule in 1/alpha, from its first value.
    let fused = proof.queries.iter().any(|q| matches!(q.rows, QueryRows::Opened(_)));
    let alpha_inverse = fused.then(|| b.inverse(alpha));

    // The FRI transcript.
    let input_log_heights = config.input_log_heights(claims);
    let log_max = input_log_heights[0];
    let log_arities = config.log_arities(claims);
    let fri_shape = FriShape::with_schedule(&config.0, log_arities.clone(), log_max);
    for value in seed_of(&fri_shape.domain_separator::<Val, Challenge>()) {
        let value = b.constant(value);
        challenger.observe(b, value);
    }
    assert_eq!(proof.commit_phase_commits.len(), log_arities.len(), "one commitment per round");
    let mut betas = Vec::with_capacity(log_arities.len());
    for (commit, &witness) in proof.commit_phase_commits.iter().zip(&proof.commit_pow_witnesses) {
        challenger.observe_slice(b, commit);
        pow_step(b, challenger, config.commit_proof_of_work_bits, witness);
        betas.push(challenger.sample_ext(b));
    }
    for &coefficient in &proof.final_poly {
        challenger.observe_ext(b, coefficient);
    }
    pow_step(b, challenger, config.query_proof_of_work_bits, proof.query_pow_witness);
    let index_bits: Vec<Vec<Felt>> =
        (0..config.num_queries).map(|_| challenger.sample_bits(b, log_max)).collect();

    // Alpha powers per committed height ("ladder"), and each (matrix, point)'s offset in its
    // ladder and its reduction at the point, computed once.
    let mut ladder_lens = BTreeMap::<usize, usize>::new();
    for claim in claims {
        for matrix in &claim.matrices {
            for point in &matrix.points {
                *ladder_lens.entry(matrix.log_height + config.log_blowup).or_insert(0) += point.values.len();
            }
        }
    }
    let longest = ladder_lens.values().copied().max().unwrap_or(0);
    let mut alpha_powers: Vec<Ext> = Vec::with_capacity(longest);
    let one = ext_constant(b, Val::ONE);
    let mut power = one;
    for _ in 0..longest {
        alpha_powers.push(power);
        power = b.ext_mul(power, alpha);
    }
    // Per (matrix, point): its offset in its ladder. The sums at the points themselves do not
    // depend on the query: per (height, point) their total is computed once.
    let mut offsets = BTreeMap::<usize, usize>::new();
    let mut point_offsets: Vec<usize> = Vec::new();
    let mut sums_at_points = BTreeMap::<(usize, Addr), Ext>::new();
    for claim in claims {
        for matrix in &claim.matrices {
            let log_height = matrix.log_height + config.log_blowup;
            for point in &matrix.points {
                let offset = offsets.entry(log_height).or_insert(0);
                let start = *offset;
                *offset += point.values.len();
                let zero = ext_constant(b, Val::ZERO);
                let mut sum = *sums_at_points.get(&(log_height, point.point.0)).unwrap_or(&zero);
                for (&power, &value) in alpha_powers[start..].iter().zip(&point.values) {
                    sum = b.ext_mul_add(power, value, sum);
                }
                sums_at_points.insert((log_height, point.point.0), sum);
                point_offsets.push(start);
            }
        }
    }

    let log_final_height = config.log_blowup + config.log_final_poly_len;
    let mut fold_rows = Vec::with_capacity(config.num_queries);
    assert_eq!(proof.queries.len(), config.num_queries, "one opening per query");
    for (bits, query) in index_bits.iter().zip(&proof.queries) {
        // Authenticate each commitment's rows at the query's index, reduced to its height; with
        // the opening table, take each matrix row's sum `sum_j alpha^-(w-1-j) v_j` from it.
        let mut row_sums: Vec<Vec<Option<Ext>>> = Vec::with_capacity(claims.len());
        for (c, (claim, path)) in claims.iter().zip(&query.paths).enumerate() {
            let shapes: Vec<MatrixShape> = claim
                .matrices
                .iter()
                .map(|m| MatrixShape { log_height: m.log_height + config.log_blowup, width: m.width })
                .collect();
            let height = shapes.iter().map(|s| s.log_height).max().expect("a commitment has matrices");
            let bits = &bits[log_max - height..];
            match &query.rows {
                QueryRows::Cells(rows) => verify_batch_opening(b, &claim.root, &shapes, bits, &rows[c], path),
                QueryRows::Opened(rows) => {
                    let factor = alpha_inverse.expect("alpha's inverse where rows are opened");
                    row_sums.push(verify_opened_batch(b, &claim.root, &shapes, bits, &rows[c], path, factor));
                }
            }
        }

        // The DEEP reduction per committed height: the sum over (matrix, point) of
        // (sum_at_z - sum_at_x) / (z - x), taken per point: (Z - X) / (z - x) with Z and X the
        // point's totals over its matrices. The same value as summed term by term.
        let mut sums_at_x = BTreeMap::<(usize, Addr), Ext>::new();
        let mut point_cells = BTreeMap::<(usize, Addr), Ext>::new();
        let mut offset_of = point_offsets.iter();
        for (c, claim) in claims.iter().enumerate() {
            for (m, matrix) in claim.matrices.iter().enumerate() {
                let log_height = matrix.log_height + config.log_blowup;
                // A matrix's points take consecutive runs of its ladder's alpha powers, so the
                // row's sum for the next point is the previous one times alpha^width.
                let mut previous: Option<(usize, Ext)> = None;
                for point in &matrix.points {
                    let offset = *offset_of.next().expect("one offset per point");
                    let key = (log_height, point.point.0);
                    point_cells.insert(key, point.point);
                    let total = sums_at_x.get(&key).copied();
                    let sum_at_x = match (&query.rows, previous) {
                        // alpha^(offset + w - 1) sum_j alpha^-(w-1-j) v_j = sum_j alpha^(offset + j) v_j,
                        // added to the point's total in the same row.
                        (QueryRows::Opened(_), _) => match row_sums[c][m] {
                            Some(sum) => {
                                let power = alpha_powers[offset + matrix.width - 1];
                                match total {
                                    Some(total) => b.ext_mul_add(sum, power, total),
                                    None => b.ext_mul(sum, power),
                                }
                            }
                            None => continue,
                        },
                        (QueryRows::Cells(_), Some((previous_offset, sum)))
                            if offset == previous_offset + matrix.width =>
                        {
                            let sum = b.ext_mul(sum, alpha_powers[matrix.width]);
                            previous = Some((offset, sum));
                            match total {
                                Some(total) => b.ext_add(total, sum),
                                None => sum,
                            }
                        }
                        (QueryRows::Cells(rows), _) => {
                            let mut sum = ext_constant(b, Val::ZERO);
                            for (&power, &value) in alpha_powers[offset..].iter().zip(&rows[c][m]) {
                                sum = b.ext_mul_add(power, value, sum);
                            }
                            previous = Some((offset, sum));
                            match total {
                                Some(total) => b.ext_add(total, sum),
                                None => sum,
                            }
                        }
                    };
                    sums_at_x.insert(key, sum_at_x);
                }
            }
        }
        let mut reduced = BTreeMap::<usize, Ext>::new();
        let mut xs = BTreeMap::<usize, Felt>::new();
        for (&(log_height, point_addr), &sum_at_z) in &sums_at_points {
            let x = *xs.entry(log_height).or_insert_with(|| {
                let power = exp_reversed(b, log_height, &bits[log_max - log_height..]);
                let shift = b.constant(Val::GENERATOR);
                b.mul(power, shift)
            });
            let zero = ext_constant(b, Val::ZERO);
            let sum_at_x = sums_at_x.get(&(log_height, point_addr)).copied().unwrap_or(zero);
            let point = point_cells[&(log_height, point_addr)];
            let denominator = b.ext_sub(point, x);
            let quotient = b.inverse(denominator);
            let difference = b.ext_sub(sum_at_z, sum_at_x);
            let entry = match reduced.get(&log_height) {
                Some(&entry) => b.ext_mul_add(difference, quotient, entry),
                None => b.ext_mul(difference, quotient),
            };
            reduced.insert(log_height, entry);
        }
        if let Some(&at_blowup) = reduced.get(&config.log_blowup) {
            let zero = ext_constant(b, Val::ZERO);
            b.assert_eq(at_blowup, zero);
        }

        // The folding chain.
        let mut folded = reduced[&log_max];
        let mut consumed = 0;
        let mut log_height = log_max;
        let mut rows_of_query = Vec::with_capacity(log_arities.len());
        for (round, (&log_arity, &beta)) in log_arities.iter().zip(&betas).enumerate() {
            let arity = 1 << log_arity;
            let position = &bits[consumed..consumed + log_arity];
            let row = place_in_group(b, position, folded, &query.fold_siblings[round]);
            consumed += log_arity;
            log_height -= log_arity;
            let group_bits = &bits[consumed..log_max];

            // Authenticate the group's row: its values' coordinates, one leaf of the round's tree.
            let mut coords = Vec::with_capacity(arity * EXTENSION_DEGREE);
            for &value in &row {
                coords.extend(b.unpack(value));
            }
            verify_batch_opening(
                b,
                &proof.commit_phase_commits[round],
                &[MatrixShape { log_height, width: arity * EXTENSION_DEGREE }],
                group_bits,
                &[coords],
                &query.fold_paths[round],
            );

            folded = fold_row(b, group_bits, log_height, log_arity, beta, &row);
            rows_of_query.push(row);
            if let Some(&opening) = reduced.get(&log_height) {
                let mut beta_power = beta;
                for _ in 0..log_arity {
                    beta_power = b.ext_mul(beta_power, beta_power);
                }
                folded = b.ext_mul_add(beta_power, opening, folded);
            }
        }
        assert_eq!(log_height, log_final_height, "the schedule ends at the final height");

        // The final polynomial at the point the remaining index names.
        let x = exp_reversed_over(b, log_max, &bits[consumed..log_max]);
        let mut evaluation = ext_constant(b, Val::ZERO);
        for &coefficient in proof.final_poly.iter().rev() {
            evaluation = b.ext_mul_add(evaluation, x, coefficient);
        }
        b.assert_eq(evaluation, folded);
        fold_rows.push(rows_of_query);
    }
    FriLayout { index_bits, fold_rows }
}

/// `g^(reverse_bits_len(d, log_order))` for `d` given by `bits` (fewer than `log_order`,
/// least significant first): bit `j` of `d` weighs `2^(log_order - 1 - j)`.
fn exp_reversed_over(b: &mut CircuitBuilder, log_order: usize, bits: &[Felt]) -> Felt {
    let generator = Val::two_adic_generator(log_order);
    b.select_product(bits, (0..bits.len()).map(|j| generator.exp_power_of_2(log_order - 1 - j)))
}

/// The group's row: `folded` at the position `position` names (least significant bit first),
/// the siblings in order around it.
fn place_in_group(b: &mut CircuitBuilder, position: &[Felt], folded: Ext, siblings: &[Ext]) -> Vec<Ext> {
    let arity = 1 << position.len();
    assert_eq!(siblings.len(), arity - 1, "arity - 1 siblings");
    // One-hot indicator of the position.
    let one: Ext = b.constant(Val::ONE).into();
    let mut onehot = vec![one];
    for &bit in position {
        let not_bit = b.ext_sub(one, bit);
        let mut next = vec![one; onehot.len() * 2];
        for (j, &e) in onehot.iter().enumerate() {
            next[j] = b.ext_mul(e, not_bit);
            next[j + onehot.len()] = b.ext_mul(e, bit);
        }
        onehot = next;
    }
    // Slot j holds folded if j is the position, siblings[j] before it, siblings[j - 1] after.
    let zero: Ext = b.constant(Val::ZERO).into();
    (0..arity)
        .map(|j| {
            let before: Ext = onehot[j + 1..].iter().fold(zero, |acc, &e| b.ext_add(acc, e));
            let after: Ext = onehot[..j].iter().fold(zero, |acc, &e| b.ext_add(acc, e));
            let mut slot = b.ext_mul(onehot[j], folded);
            if j < arity - 1 {
                slot = b.ext_mul_add(before, siblings[j], slot);
            }
            if j > 0 {
                slot = b.ext_mul_add(after, siblings[j - 1], slot);
            }
            slot
        })
        .collect()
}

/// One FRI fold: the row's values sit on the coset `s * <w>` (`w` of order `arity`, positions
/// bit-reversed), `s = g^(reverse of the group index)` for `g` of order `2^(log_height +
/// log_arity)`; the result is the interpolating polynomial's value at `beta`:
/// `(beta^a - s^a) / (a s^a) * sum_i e_i x_i / (beta - x_i)`.
fn fold_row(
    b: &mut CircuitBuilder,
    group_bits: &[Felt],
    log_height: usize,
    log_arity: usize,
    beta: Ext,
    row: &[Ext],
) -> Ext {
    let arity = 1 << log_arity;
    debug_assert_eq!(group_bits.len(), log_height);
    let s = exp_reversed(b, log_height + log_arity, group_bits);
    let w = Val::two_adic_generator(log_arity);
    let mut sum: Ext = b.constant(Val::ZERO).into();
    for (i, &value) in row.iter().enumerate() {
        let exponent = p3_util::reverse_bits_len(i, log_arity);
        let root = b.constant(w.exp_u64(exponent as u64));
        let x = b.mul(s, root);
        let denominator = b.ext_sub(beta, x);
        let inverse = b.inverse(denominator);
        let weighted = b.ext_mul(value, x);
        sum = b.ext_mul_add(weighted, inverse, sum);
    }
    let mut s_power = s;
    let mut beta_power = beta;
    for _ in 0..log_arity {
        s_power = b.mul(s_power, s_power);
        beta_power = b.ext_mul(beta_power, beta_power);
    }
    let vanishing = b.ext_sub(beta_power, s_power);
    let arity_cell = b.constant(Val::from_usize(arity));
    let scale = b.mul(arity_cell, s_power);
    let scale_inverse = b.inverse(scale);
    let factor = b.ext_mul(vanishing, scale_inverse);
    b.ext_mul(factor, sum)
}
