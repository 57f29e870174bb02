//! The recursion program: instructions over a write-once memory of 8-element cells, one list
//! per table. Each instruction is one row of its table; the rows' addresses, opcodes and
//! counts are the tables' preprocessed columns, so the program is fixed by its commitment.

use hearth_stark::Val;
use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};
use p3_field::PrimeCharacteristicRing;

pub use hearth_verifier::{CELL, NUM_BIT_BLOCKS, NUM_BITS};
/// The value of one memory cell.
pub type Cell = [Val; CELL];
/// A memory address.
pub type Addr = u32;

/// A base element as a memory cell.
pub fn base_cell(x: Val) -> Cell {
    let mut cell = [Val::ZERO; CELL];
    cell[0] = x;
    cell
}

/// Where a cell written by the var table comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// A constant of the program.
    Const(Cell),
    /// The prover's input number `slot` (values of the proof being verified); `base` cells
    /// must have seven zero limbs.
    Hint {
        /// Index into the hints the program runs with.
        slot: usize,
        /// Whether the cell holds a base element.
        base: bool,
    },
    /// The inverse of the extension cell `of` (zero for zero), computed by the run; to the
    /// tables an input like any other, so the program must check it.
    Inverse {
        /// The cell inverted.
        of: Addr,
    },
}

/// A constant or input cell.
#[derive(Clone, Copy, Debug)]
pub struct VarInstr {
    /// The cell written.
    pub out: Addr,
    /// How many times the program reads it.
    pub out_mult: u32,
    /// Its origin.
    pub kind: VarKind,
}

/// Operations of the arithmetic table, on extension cells (base cells embed in them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    /// `out = a + b`.
    Add,
    /// `out = a - b`.
    Sub,
    /// `out = a * b`.
    Mul,
    /// `out = a * b + c`.
    MulAdd,
    /// `a == b`; writes nothing.
    AssertEq,
}

/// One arithmetic operation.
#[derive(Clone, Copy, Debug)]
pub struct AluInstr {
    /// The operation.
    pub op: AluOp,
    /// First operand.
    pub a: Addr,
    /// Second operand.
    pub b: Addr,
    /// Third operand (`MulAdd` only).
    pub c: Addr,
    /// The result (unused by `AssertEq`).
    pub out: Addr,
    /// How many times the program reads the result.
    pub out_mult: u32,
}

/// Which way a pack instruction converts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackDirection {
    /// Eight base cells become the extension cell with those coordinates.
    Pack,
    /// An extension cell becomes its eight coordinates as base cells.
    Unpack,
}

/// Conversion between an extension cell and its eight base coordinates.
#[derive(Clone, Copy, Debug)]
pub struct PackInstr {
    /// The extension cell.
    pub ext: Addr,
    /// Reads of the extension cell when it is written here (packing).
    pub ext_mult: u32,
    /// The base cells, coordinate 0 first.
    pub felts: [Addr; CELL],
    /// Reads of each base cell when they are written here (unpacking).
    pub felt_mults: [u32; CELL],
    /// Direction.
    pub direction: PackDirection,
}

/// One Poseidon2 permutation of 24 base cells into 24 base cells.
#[derive(Clone, Copy, Debug)]
pub struct Poseidon2CallInstr {
    /// The input cells.
    pub input: [Addr; POSEIDON2_WIDTH],
    /// A bit cell that, when set, swaps the input's first two 9-element blocks before
    /// permuting: a Merkle compression of a node and its sibling in index order.
    pub swap: Option<Addr>,
    /// The output cells.
    pub output: [Addr; POSEIDON2_WIDTH],
    /// Reads of each output cell.
    pub output_mults: [u32; POSEIDON2_WIDTH],
}

/// The canonical binary decomposition of a base cell, least significant bit first, written
/// eight bits per cell (a cell's limb `i` is bit `8k + i` of block `k`; the last limb of the
/// last block is zero). Four cells rather than 31 keep the bits table's lookups few: the
/// program unpacks the blocks whose bits it reads.
#[derive(Clone, Copy, Debug)]
pub struct BitsInstr {
    /// The cell decomposed.
    pub input: Addr,
    /// The blocks of bits.
    pub blocks: [Addr; NUM_BIT_BLOCKS],
    /// Reads of each block.
    pub block_mults: [u32; NUM_BIT_BLOCKS],
}

/// One permutation of a Merkle leaf hash over opened values: a row of the opening table.
/// The values are prover inputs that no other instruction reads; the row absorbs them, and
/// folds each into its matrix row's running sum (`sum * factor + value`).
#[derive(Clone, Copy, Debug)]
pub struct OpeningInstr {
    /// The hash's first permutation (its state starts at zero).
    pub first: bool,
    /// Per rate slot: the prover's input absorbed there, if any (values fill a prefix).
    pub values: [Option<usize>; SPONGE_RATE],
    /// Per rate slot: the value starts a matrix row.
    pub restart: [bool; SPONGE_RATE],
    /// Per rate slot: the cell a matrix row's sum is written to where the row ends.
    pub sums: [Option<Addr>; SPONGE_RATE],
    /// Reads of each sum.
    pub sum_mults: [u32; SPONGE_RATE],
    /// The digest's cells, on the hash's last row.
    pub digest: Option<[Addr; DIGEST_ELEMS]>,
    /// Reads of each digest cell.
    pub digest_mults: [u32; DIGEST_ELEMS],
    /// The extension cell the sums are folded with.
    pub factor: Addr,
}

/// A base cell exposed as the next public value of the proof.
#[derive(Clone, Copy, Debug)]
pub struct PublicInstr {
    /// The cell.
    pub input: Addr,
}

/// One instruction, in program order.
#[derive(Clone, Debug)]
pub enum Instr {
    /// Constant or input.
    Var(VarInstr),
    /// Arithmetic.
    Alu(AluInstr),
    /// Pack or unpack.
    Pack(PackInstr),
    /// Poseidon2 permutation (boxed: ten times the size of the other instructions).
    Poseidon2(Box<Poseidon2CallInstr>),
    /// Binary decomposition.
    Bits(BitsInstr),
    /// Public value.
    Public(PublicInstr),
    /// A permutation of a hash over opened values (boxed, as Poseidon2).
    Opening(Box<OpeningInstr>),
}

/// The memory of one run of a program: each address written once, in program order.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    cells: Vec<Option<Cell>>,
}

impl Memory {
    /// An empty memory for `size` addresses.
    pub fn new(size: usize) -> Self {
        Self { cells: vec![None; size] }
    }

    /// The value at `addr`. Programs are built so that every read follows its write; reading
    /// an unwritten address is a bug of the program builder.
    pub fn get(&self, addr: Addr) -> Cell {
        self.cells[addr as usize].unwrap_or_else(|| panic!("memory cell {addr} read before it is written"))
    }

    /// The base element at `addr`.
    pub fn get_base(&self, addr: Addr) -> Val {
        self.get(addr)[0]
    }

    /// Overwrites `addr` after the run, as a cheating prover would (tests of the tables).
    #[cfg(test)]
    pub(crate) fn forge(&mut self, addr: Addr, value: Cell) {
        self.cells[addr as usize] = Some(value);
    }

    /// Writes `addr` (once).
    pub fn set(&mut self, addr: Addr, value: Cell) {
        let cell = &mut self.cells[addr as usize];
        debug_assert!(cell.is_none(), "memory cell {addr} written twice");
        *cell = Some(value);
    }
}

/// `log2` of the heights programs that share a shape pad their tables to: var, arithmetic,
/// pack, Poseidon2 call, bits, opening (0 in a program without the opening table) and the
/// Poseidon2 table (which answers the calls and the opening rows).
pub type PadHeights = [usize; 7];

/// The [`PadHeights`] of a program with `rows` instructions per table (var, arithmetic, pack,
/// Poseidon2 call, bits, public, opening), `idle` of its calls and opening rows padding.
pub fn pad_heights(rows: [usize; 7], opening_table: bool, idle: usize) -> PadHeights {
    let log = |n: usize| table_height(n).trailing_zeros() as usize;
    [
        log(rows[0]),
        log(rows[1]),
        log(rows[2]),
        log(rows[3]),
        log(rows[4]),
        if opening_table { log(rows[6]) } else { 0 },
        poseidon2_rows(rows[3], rows[6], idle).trailing_zeros() as usize,
    ]
}

/// Rows the Poseidon2 table needs for `calls` calls and `opening` opening rows, `idle` of them
/// padding: one row per distinct permutation, and padding only ever permutes zero, so the rows
/// that are not padding plus one bound them. Never fewer than the call table's rows.
pub fn poseidon2_rows(calls: usize, opening: usize, idle: usize) -> usize {
    let distinct = (calls + opening).saturating_sub(idle) + usize::from(idle > 0);
    table_height(calls).max(table_height(distinct))
}

/// `log2` heights of a program's tables in proof order (var, arithmetic, pack, Poseidon2 call,
/// bits, public, Poseidon2, and opening when it has the table), from the heights it was padded
/// to and its public table's.
pub fn table_log_heights(pad: PadHeights, log_public: usize, opening_table: bool) -> Vec<usize> {
    let [var, alu, pack, calls, bits, opening, poseidon2] = pad;
    let mut heights = vec![var, alu, pack, calls, bits, log_public, poseidon2];
    if opening_table {
        heights.push(opening);
    }
    heights
}

/// Fewest rows of a recursion table. FRI rolls each committed height into its folding before
/// the final polynomial, so every table must be taller than the final polynomial, and each
/// distinct height it stops at can cost a folding round (sibling values and a Merkle path per
/// query). 512 rows lifts the small tables (bits, public: a few dozen rows) to where a
/// size-tuned layer's folding passes anyway, for a few thousand padding rows in all.
pub const MIN_TABLE_HEIGHT: usize = 512;

/// Rows of a table holding `instructions` rows: a power of two, at least [`MIN_TABLE_HEIGHT`].
pub fn table_height(instructions: usize) -> usize {
    instructions.next_power_of_two().max(MIN_TABLE_HEIGHT)
}
