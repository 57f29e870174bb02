//! The constraint check at the out-of-domain point as a recursion program: every table's
//! constraints (its own and its lookup argument's), taken from their symbolic form, evaluated
//! on the opened values, folded with the constraint challenge in the order the native
//! verifier folds them, and compared with the quotient recomposed from its chunks; and the
//! lookup terminals summing to zero.

use std::collections::HashMap;
use std::sync::Arc;

use hearth_stark::config::EXTENSION_DEGREE;
use hearth_stark::{Challenge, ProvableAir, StarkError, Val};
use p3_air::BaseAir;
use p3_air::symbolic::{AirLayout, BaseEntry, BaseLeaf, ExtEntry, ExtLeaf, SymbolicExpr};
use p3_batch_stark::symbolic::get_symbolic_constraints;
use p3_commit::PolynomialSpace;
use p3_field::coset::TwoAdicMultiplicativeCoset;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, TwoAdicField};
use p3_lookup::{Kind, LogUpGadget, Lookup, assert_uniform_tuple_width};

use super::stark::{InnerProofCells, InnerShape, OpenedCells};
use super::transcript::BatchChallenges;
use crate::circuit::{CircuitBuilder, Ext, Felt};

/// `x^(2^k)`.
fn exp_power_of_two(b: &mut CircuitBuilder, x: Ext, k: usize) -> Ext {
    (0..k).fold(x, |acc, _| b.ext_mul(acc, acc))
}

/// The extension element whose coordinates (as columns) are `coords`: `sum_k X^k coords[k]`.
fn recompose(b: &mut CircuitBuilder, coords: &[Ext]) -> Ext {
    let mut sum: Ext = b.constant(Val::ZERO).into();
    for (k, &c) in coords.iter().enumerate() {
        let basis =
            b.constant_ext(<Challenge as BasedVectorSpace<Val>>::ith_basis_element(k).expect("k < 8"));
        sum = b.ext_mul_add(basis, c, sum);
    }
    sum
}

/// Per-table lookup challenges as the batch verifier lays them out: for each lookup, its
/// bus's prefix `alpha + (bus + 1) beta^w` (`w` the widest message) and `beta`.
fn lookup_challenges(
    b: &mut CircuitBuilder,
    lookups: &[Vec<Lookup<Val>>],
    alpha: Ext,
    beta: Ext,
) -> Vec<Vec<Ext>> {
    let mut global: HashMap<String, usize> = HashMap::new();
    let mut next_bus = 0usize;
    let mut widest = 1usize;
    let buses: Vec<Vec<usize>> = lookups
        .iter()
        .map(|table| {
            table
                .iter()
                .map(|lookup| {
                    widest = widest.max(assert_uniform_tuple_width(&lookup.elements, "lookup"));
                    match &lookup.kind {
                        Kind::Global(name) => *global.entry(name.clone()).or_insert_with(|| {
                            next_bus += 1;
                            next_bus - 1
                        }),
                        Kind::Local => {
                            next_bus += 1;
                            next_bus - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    let mut gamma: Ext = b.constant(Val::ONE).into();
    for _ in 0..widest {
        gamma = b.ext_mul(gamma, beta);
    }
    let mut prefixes = Vec::with_capacity(next_bus);
    let mut prefix = alpha;
    for _ in 0..next_bus {
        prefix = b.ext_add(prefix, gamma);
        prefixes.push(prefix);
    }
    buses.iter().map(|table| table.iter().flat_map(|&bus| [prefixes[bus], beta]).collect()).collect()
}

/// What a table's constraints read at the out-of-domain point.
struct Point<'a> {
    opened: &'a OpenedCells,
    public: &'a [Felt],
    periodic: Vec<Ext>,
    first: Ext,
    last: Ext,
    transition: Ext,
    permutation_local: Vec<Ext>,
    permutation_next: Vec<Ext>,
    challenges: &'a [Ext],
    terminal: Option<Ext>,
    zero: Ext,
}

/// Evaluates symbolic expressions as program cells, each shared node once.
struct Evaluator<'a> {
    point: Point<'a>,
    base_nodes: HashMap<usize, Ext>,
    ext_nodes: HashMap<usize, Ext>,
}

impl Evaluator<'_> {
    fn base_leaf(&mut self, b: &mut CircuitBuilder, leaf: &BaseLeaf<Val>) -> Ext {
        let p = &self.point;
        match leaf {
            BaseLeaf::Variable(v) => match v.entry {
                BaseEntry::Main { offset: 0 } => p.opened.trace_local[v.index],
                BaseEntry::Main { .. } => p.opened.trace_next.as_ref().map_or(p.zero, |next| next[v.index]),
                BaseEntry::Preprocessed { offset: 0 } => {
                    p.opened.preprocessed_local.as_ref().map_or(p.zero, |local| local[v.index])
                }
                BaseEntry::Preprocessed { .. } => {
                    p.opened.preprocessed_next.as_ref().map_or(p.zero, |next| next[v.index])
                }
                BaseEntry::Public => p.public[v.index].into(),
                BaseEntry::Periodic => p.periodic[v.index],
            },
            BaseLeaf::IsFirstRow => p.first,
            BaseLeaf::IsLastRow => p.last,
            BaseLeaf::IsTransition => p.transition,
            BaseLeaf::Constant(c) => b.constant(*c).into(),
        }
    }

    fn base(&mut self, b: &mut CircuitBuilder, e: &SymbolicExpr<BaseLeaf<Val>>) -> Ext {
        match e {
            SymbolicExpr::Leaf(leaf) => self.base_leaf(b, leaf),
            SymbolicExpr::Add { x, y, .. } => {
                let (x, y) = (self.base_node(b, x), self.base_node(b, y));
                b.ext_add(x, y)
            }
            SymbolicExpr::Sub { x, y, .. } => {
                let (x, y) = (self.base_node(b, x), self.base_node(b, y));
                b.ext_sub(x, y)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (x, y) = (self.base_node(b, x), self.base_node(b, y));
                b.ext_mul(x, y)
            }
            SymbolicExpr::Neg { x, .. } => {
                let x = self.base_node(b, x);
                let zero = self.point.zero;
                b.ext_sub(zero, x)
            }
        }
    }

    fn base_node(&mut self, b: &mut CircuitBuilder, e: &Arc<SymbolicExpr<BaseLeaf<Val>>>) -> Ext {
        let key = Arc::as_ptr(e) as usize;
        if let Some(&cell) = self.base_nodes.get(&key) {
            return cell;
        }
        let cell = self.base(b, e);
        self.base_nodes.insert(key, cell);
        cell
    }

    fn ext(&mut self, b: &mut CircuitBuilder, e: &SymbolicExpr<ExtLeaf<Val, Challenge>>) -> Ext {
        match e {
            SymbolicExpr::Leaf(ExtLeaf::Base(base)) => self.base(b, base),
            SymbolicExpr::Leaf(ExtLeaf::ExtVariable(v)) => {
                let p = &self.point;
                match v.entry {
                    ExtEntry::Permutation { offset: 0 } => p.permutation_local[v.index],
                    ExtEntry::Permutation { .. } => p.permutation_next[v.index],
                    ExtEntry::Challenge => p.challenges[v.index],
                    ExtEntry::PermutationValue => p.terminal.expect("a table with lookups has a terminal"),
                }
            }
            SymbolicExpr::Leaf(ExtLeaf::ExtConstant(c)) => b.constant_ext(*c),
            SymbolicExpr::Add { x, y, .. } => {
                let (x, y) = (self.ext_node(b, x), self.ext_node(b, y));
                b.ext_add(x, y)
            }
            SymbolicExpr::Sub { x, y, .. } => {
                let (x, y) = (self.ext_node(b, x), self.ext_node(b, y));
                b.ext_sub(x, y)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (x, y) = (self.ext_node(b, x), self.ext_node(b, y));
                b.ext_mul(x, y)
            }
            SymbolicExpr::Neg { x, .. } => {
                let x = self.ext_node(b, x);
                let zero = self.point.zero;
                b.ext_sub(zero, x)
            }
        }
    }

    fn ext_node(&mut self, b: &mut CircuitBuilder, e: &Arc<SymbolicExpr<ExtLeaf<Val, Challenge>>>) -> Ext {
        let key = Arc::as_ptr(e) as usize;
        if let Some(&cell) = self.ext_nodes.get(&key) {
            return cell;
        }
        let cell = self.ext(b, e);
        self.ext_nodes.insert(key, cell);
        cell
    }
}

/// Periodic columns at `zeta` for a table of `2^log_height` rows, the columns' values given as
/// cells: a column of period `P` is the polynomial through its values on the order-`P`
/// subgroup, at `zeta^(n/P)`.
fn periodic_at(b: &mut CircuitBuilder, columns: &[Vec<Felt>], log_height: usize, zeta: Ext) -> Vec<Ext> {
    columns
        .iter()
        .map(|column| {
            let log_period = column.len().trailing_zeros() as usize;
            let y = exp_power_of_two(b, zeta, log_height - log_period);
            // Lagrange on the subgroup: L_i(y) = (y^P - 1) w^i / (P (y - w^i)).
            let w = Val::two_adic_generator(log_period);
            let mut sum: Ext = b.constant(Val::ZERO).into();
            for (i, &value) in column.iter().enumerate() {
                let root = w.exp_u64(i as u64);
                let root_cell = b.constant(root);
                let denominator = b.ext_sub(y, root_cell);
                let inverse = b.inverse(denominator);
                let weighted = b.mul(value, root_cell);
                sum = b.ext_mul_add(weighted, inverse, sum);
            }
            let y_power = exp_power_of_two(b, y, log_period);
            let one = b.constant(Val::ONE);
            let vanishing = b.ext_sub(y_power, one);
            let scale = b.constant(Val::from_usize(column.len()).inverse());
            let scaled = b.ext_mul(vanishing, scale);
            b.ext_mul(scaled, sum)
        })
        .collect()
}

/// The quotient at `zeta` from its chunks' opened columns: chunk `i` lives on the `i`-th
/// coset of the quotient domain and is weighted by the other cosets' vanishing polynomials,
/// normalized at its own coset's first point.
fn quotient_at(b: &mut CircuitBuilder, chunks: &[Vec<Ext>], log_height: usize, zeta: Ext) -> Ext {
    let trace = TwoAdicMultiplicativeCoset::new(Val::ONE, log_height).expect("two-adic height");
    let quotient_domain =
        trace.try_create_disjoint_domain(chunks.len() << log_height).expect("quotient domain fits the field");
    let domains = quotient_domain.split_domains(chunks.len());
    // Z_j(zeta) = (zeta / s_j)^n - 1 for each chunk's coset.
    let vanishing: Vec<Ext> = domains
        .iter()
        .map(|d| {
            let inverse_shift = b.constant(d.shift_inverse());
            let unshifted = b.ext_mul(zeta, inverse_shift);
            let power = exp_power_of_two(b, unshifted, d.log_size());
            let one = b.constant(Val::ONE);
            b.ext_sub(power, one)
        })
        .collect();
    let mut quotient: Ext = b.constant(Val::ZERO).into();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut weight: Ext = b.constant(Val::ONE).into();
        for (j, other) in domains.iter().enumerate() {
            if j == i {
                continue;
            }
            let normalizer = b.constant(other.vanishing_poly_at_point(domains[i].first_point()).inverse());
            let factor = b.ext_mul(vanishing[j], normalizer);
            weight = b.ext_mul(weight, factor);
        }
        let value = recompose(b, chunk);
        quotient = b.ext_mul_add(weight, value, quotient);
    }
    quotient
}

/// Checks every table's constraints at the out-of-domain point against its quotient, and the
/// lookup terminals' sum. `airs` are the tables the proof is of (their lookups are the
/// shape's), `periodic` each table's periodic columns' values as
/// cells (the AIRs' own values are not read: the program stays the same for any data of
/// the same periods).
pub fn check_constraints<A: ProvableAir>(
    b: &mut CircuitBuilder,
    shape: &InnerShape,
    airs: &[A],
    periodic: &[Vec<Vec<Felt>>],
    cells: &InnerProofCells,
    challenges: &BatchChallenges,
) -> Result<(), StarkError> {
    let lookups = &shape.lookups;
    if airs.len() != shape.degree_bits.len() || lookups.len() != airs.len() || periodic.len() != airs.len() {
        return Err(StarkError::Shape("one AIR, lookup list and periodic column list per table".into()));
    }
    for (air, columns) in airs.iter().zip(periodic) {
        let lengths: Vec<usize> = BaseAir::<Val>::periodic_columns(air).iter().map(Vec::len).collect();
        if lengths != columns.iter().map(Vec::len).collect::<Vec<_>>() {
            return Err(StarkError::Shape("periodic column cells do not have the tables' periods".into()));
        }
    }
    let zero: Ext = b.constant(Val::ZERO).into();
    if !cells.transcript.terminals.is_empty() {
        let mut sum = zero;
        for &terminal in &cells.transcript.terminals {
            sum = b.ext_add(sum, terminal);
        }
        b.assert_eq(sum, zero);
    }
    let laid_out = match (challenges.lookup_alpha, challenges.lookup_beta) {
        (Some(alpha), Some(beta)) => lookup_challenges(b, lookups, alpha, beta),
        _ => vec![Vec::new(); airs.len()],
    };
    let zeta = challenges.zeta;
    let gadget = LogUpGadget::new();
    let mut terminals = cells.transcript.terminals.iter();
    for (i, air) in airs.iter().enumerate() {
        let log_height = shape.degree_bits[i];
        let opened = &cells.opened[i];

        // Selectors of the trace domain (the subgroup of order n) at zeta.
        let zeta_n = exp_power_of_two(b, zeta, log_height);
        let one: Ext = b.constant(Val::ONE).into();
        let vanishing = b.ext_sub(zeta_n, one);
        let inverse_vanishing = b.inverse(vanishing);
        let to_first = b.ext_sub(zeta, one);
        let to_first_inverse = b.inverse(to_first);
        let first = b.ext_mul(vanishing, to_first_inverse);
        let last_point = b.constant(Val::two_adic_generator(log_height).inverse());
        let transition = b.ext_sub(zeta, last_point);
        let transition_inverse = b.inverse(transition);
        let last = b.ext_mul(vanishing, transition_inverse);

        let periodic = periodic_at(b, &periodic[i], log_height, zeta);
        let permutation_local =
            opened.permutation_local.chunks(EXTENSION_DEGREE).map(|c| recompose(b, c)).collect();
        let permutation_next =
            opened.permutation_next.chunks(EXTENSION_DEGREE).map(|c| recompose(b, c)).collect();
        let terminal = if lookups[i].is_empty() { None } else { terminals.next().copied() };

        let (base, ext) = get_symbolic_constraints::<Val, Challenge, A, _>(
            air,
            AirLayout::from_air(air),
            &lookups[i],
            &gadget,
        );
        let mut evaluator = Evaluator {
            point: Point {
                opened,
                public: &cells.transcript.public_values[i],
                periodic,
                first,
                last,
                transition,
                permutation_local,
                permutation_next,
                challenges: &laid_out[i],
                terminal,
                zero,
            },
            base_nodes: HashMap::new(),
            ext_nodes: HashMap::new(),
        };
        // The native verifier folds in evaluation order: the table's own constraints (all
        // base-field), then its lookup argument's.
        let mut folded = zero;
        for constraint in &base {
            let value = evaluator.base(b, constraint);
            folded = b.ext_mul_add(folded, challenges.constraint_alpha, value);
        }
        for constraint in &ext {
            let value = evaluator.ext(b, constraint);
            folded = b.ext_mul_add(folded, challenges.constraint_alpha, value);
        }
        let quotient = quotient_at(b, &opened.quotient_chunks, log_height, zeta);
        let expected = b.ext_mul(folded, inverse_vanishing);
        b.assert_eq(expected, quotient);
    }
    Ok(())
}
