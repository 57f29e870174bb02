//! A direct check of concrete traces against the machine's constraints and buses, without a
//! proof: every constraint of every row is evaluated and every bus must balance.
//!
//! The STARK proves exactly these statements, so this is how chip tests show that honest traces
//! are accepted and that each tampered cell is caught, at a fraction of a proof's cost. It is
//! also a debugging aid: the error names the table, row, constraint or bus message at fault.

use std::collections::HashMap;
use std::fmt;

use p3_air::{Air, AirBuilder, BaseAir, RowWindow};
use p3_field::{Field, PrimeField32};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

/// What the check found wrong first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckFailure {
    /// A constraint is not zero on a row.
    Constraint {
        /// Table index.
        table: usize,
        /// Row.
        row: usize,
        /// Index of the constraint in the table's evaluation order.
        constraint: usize,
    },
    /// A bus does not balance: `message` is sent `net` more times than received.
    Bus {
        /// The bus.
        bus: String,
        /// The unbalanced message.
        message: Vec<u32>,
        /// Net count (as a field element).
        net: u32,
    },
    /// A count exceeds the bound its interaction declares.
    CountBound {
        /// Table index.
        table: usize,
        /// Row.
        row: usize,
        /// The bus.
        bus: String,
    },
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Constraint { table, row, constraint } => {
                write!(f, "table {table}, row {row}: constraint #{constraint} does not hold")
            }
            Self::Bus { bus, message, net } => {
                write!(f, "bus {bus}: message {message:?} is unbalanced (net count {net})")
            }
            Self::CountBound { table, row, bus } => {
                write!(f, "table {table}, row {row}: a count on bus {bus} exceeds its bound")
            }
        }
    }
}

/// A message sent on a bus from outside the tables checked (a test's stand-in for a table it
/// leaves out).
#[derive(Clone, Debug)]
pub struct Interaction<F> {
    /// The bus.
    pub bus: &'static str,
    /// The message.
    pub message: Vec<F>,
    /// Its count (positive: sent).
    pub count: F,
    /// The row that sent it (0 for messages from outside).
    pub row: usize,
}

/// Evaluates one row of one table with concrete values.
pub struct RowChecker<'a, F: Field> {
    main: RowWindow<'a, F>,
    preprocessed: RowWindow<'a, F>,
    public_values: &'a [F],
    periodic: Vec<F>,
    first: F,
    last: F,
    transition: F,
    constraints: usize,
    failed: Option<usize>,
    interactions: Vec<(String, Vec<F>, F, u32)>,
}

impl<'a, F: Field> AirBuilder for RowChecker<'a, F> {
    type F = F;
    type Expr = F;
    type Var = F;
    type PreprocessedWindow = RowWindow<'a, F>;
    type MainWindow = RowWindow<'a, F>;
    type PublicVar = F;
    type PeriodicVar = F;

    fn main(&self) -> Self::MainWindow {
        self.main
    }

    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        &self.preprocessed
    }

    fn is_first_row(&self) -> F {
        self.first
    }

    fn is_last_row(&self) -> F {
        self.last
    }

    fn is_transition(&self) -> F {
        self.transition
    }

    fn assert_zero<I: Into<F>>(&mut self, x: I) {
        if !x.into().is_zero() && self.failed.is_none() {
            self.failed = Some(self.constraints);
        }
        self.constraints += 1;
    }

    fn public_values(&self) -> &[F] {
        self.public_values
    }

    fn periodic_values(&self) -> &[F] {
        &self.periodic
    }
}

impl<F: Field> InteractionBuilder for RowChecker<'_, F> {
    fn push_interaction<E: Into<F>>(
        &mut self,
        bus_name: &str,
        fields: impl IntoIterator<Item = E>,
        count: impl Into<Count<F>>,
    ) {
        let (count, bound) = count.into().into_parts();
        self.interactions.push((
            bus_name.to_string(),
            fields.into_iter().map(Into::into).collect(),
            count,
            bound,
        ));
    }

    fn push_local_interaction(&mut self, tuples: impl IntoIterator<Item = (Vec<F>, Count<F>)>) {
        for (fields, count) in tuples {
            let (count, bound) = count.into_parts();
            self.interactions.push((String::new(), fields, count, bound));
        }
    }
}

/// Evaluates every row of one table: the first failing constraint, or the table's bus
/// messages with their counts.
pub fn table_interactions<F, A>(
    table: usize,
    chip: &A,
    trace: &RowMajorMatrix<F>,
    public_values: &[F],
) -> Result<Vec<Interaction<F>>, CheckFailure>
where
    F: PrimeField32,
    A: BaseAir<F> + for<'a> Air<RowChecker<'a, F>>,
{
    let preprocessed = chip.preprocessed_trace();
    let periodic = chip.periodic_columns();
    let mut out = Vec::new();
    for row in 0..trace.height() {
        out.extend(row_interactions(
            table,
            chip,
            trace,
            preprocessed.as_ref(),
            &periodic,
            public_values,
            row,
        )?);
    }
    Ok(out)
}

/// [`table_interactions`] for one row (its constraints may read the next row too), given the
/// table's preprocessed trace and periodic columns.
pub fn row_interactions<F, A>(
    table: usize,
    chip: &A,
    trace: &RowMajorMatrix<F>,
    preprocessed: Option<&RowMajorMatrix<F>>,
    periodic: &[Vec<F>],
    public_values: &[F],
    row: usize,
) -> Result<Vec<Interaction<F>>, CheckFailure>
where
    F: PrimeField32,
    A: BaseAir<F> + for<'a> Air<RowChecker<'a, F>>,
{
    let height = trace.height();
    let width = trace.width;
    let next = (row + 1) % height;
    let (pre_local, pre_next) = match preprocessed {
        Some(p) => (&p.values[row * p.width..][..p.width], &p.values[next * p.width..][..p.width]),
        None => (&[][..], &[][..]),
    };
    let mut checker = RowChecker {
        main: RowWindow::from_two_rows(
            &trace.values[row * width..][..width],
            &trace.values[next * width..][..width],
        ),
        preprocessed: RowWindow::from_two_rows(pre_local, pre_next),
        public_values,
        periodic: periodic.iter().map(|column| column[row % column.len()]).collect(),
        first: F::from_bool(row == 0),
        last: F::from_bool(row == height - 1),
        transition: F::from_bool(row != height - 1),
        constraints: 0,
        failed: None,
        interactions: Vec::new(),
    };
    chip.eval(&mut checker);
    if let Some(constraint) = checker.failed {
        return Err(CheckFailure::Constraint { table, row, constraint });
    }
    let mut out = Vec::new();
    for (bus, message, count, bound) in checker.interactions {
        let magnitude = count.as_canonical_u32().min(F::ORDER_U32 - count.as_canonical_u32());
        if bound > 0 && magnitude > bound {
            return Err(CheckFailure::CountBound { table, row, bus });
        }
        if count.is_zero() {
            continue;
        }
        let bus: &'static str = match bus.as_str() {
            "" => "local",
            b => crate::bus::ALL.iter().find(|&&known| known == b).copied().unwrap_or("unknown"),
        };
        out.push(Interaction { bus, message, count, row });
    }
    Ok(out)
}

/// The first unbalanced message of a set of bus messages, if any.
pub fn balance<F: PrimeField32>(interactions: &[Interaction<F>]) -> Result<(), CheckFailure> {
    let mut net: HashMap<(&'static str, &[F]), F> = HashMap::new();
    for i in interactions {
        *net.entry((i.bus, &i.message)).or_insert(F::ZERO) += i.count;
    }
    let mut unbalanced: Vec<_> = net.into_iter().filter(|(_, n)| !n.is_zero()).collect();
    unbalanced.sort_by_key(|((bus, message), _)| {
        (*bus, message.iter().map(|v| v.as_canonical_u32()).collect::<Vec<_>>())
    });
    match unbalanced.into_iter().next() {
        None => Ok(()),
        Some(((bus, message), n)) => Err(CheckFailure::Bus {
            bus: bus.to_string(),
            message: message.iter().map(|v| v.as_canonical_u32()).collect(),
            net: n.as_canonical_u32(),
        }),
    }
}

/// Checks `traces` (one per chip, in order) against `chips`' constraints, and that every bus
/// balances once the `outside` messages are added.
pub fn check_tables<F, A>(
    chips: &[A],
    traces: &[RowMajorMatrix<F>],
    public_values: &[Vec<F>],
    outside: &[Interaction<F>],
) -> Result<(), CheckFailure>
where
    F: PrimeField32,
    A: BaseAir<F> + for<'a> Air<RowChecker<'a, F>>,
{
    let mut all = outside.to_vec();
    for (table, (chip, trace)) in chips.iter().zip(traces).enumerate() {
        let pvs = public_values.get(table).map_or(&[][..], |v| v.as_slice());
        all.extend(table_interactions(table, chip, trace, pvs)?);
    }
    balance(&all)
}
