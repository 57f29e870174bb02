//! Writing recursion programs: each method appends an instruction and returns the cell it
//! writes; [`CircuitBuilder::build`] counts every cell's reads and lays the instructions out
//! as the tables' preprocessed rows.

use std::collections::HashMap;

use hearth_stark::config::{DIGEST_ELEMS, POSEIDON2_WIDTH, SPONGE_RATE};
use hearth_stark::{Challenge, Val};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};

use super::Circuit;
use super::program::*;

/// A base-field cell of the program's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Felt(pub(crate) Addr);

/// An extension-field cell of the program's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ext(pub(crate) Addr);

impl From<Felt> for Ext {
    /// A base cell is the extension element it embeds as (its other limbs are zero).
    fn from(felt: Felt) -> Self {
        Ext(felt.0)
    }
}

/// A value of an opened row: a base input of the prover that only the opening table reads
/// (it has no memory cell, so no other instruction can).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opened(pub(crate) usize);

/// Builds a recursion program.
#[derive(Debug, Default)]
pub struct CircuitBuilder {
    instructions: Vec<Instr>,
    next_addr: Addr,
    inputs: Vec<bool>,
    constants: HashMap<Cell, Addr>,
    opening_table: bool,
    /// Rows the Poseidon2 table is padded to at least.
    min_poseidon2_rows: usize,
    /// Calls and opening rows added as padding (each permutes zero).
    idle_permutations: usize,
}

impl CircuitBuilder {
    /// An empty program.
    pub fn new() -> Self {
        Self::default()
    }

    fn alloc(&mut self) -> Addr {
        let addr = self.next_addr;
        self.next_addr = addr.checked_add(1).expect("recursion program memory exceeds 2^32 cells");
        addr
    }

    fn var(&mut self, kind: VarKind) -> Addr {
        let out = self.alloc();
        self.instructions.push(Instr::Var(VarInstr { out, out_mult: 0, kind }));
        out
    }

    fn constant_cell(&mut self, cell: Cell) -> Addr {
        if let Some(&addr) = self.constants.get(&cell) {
            return addr;
        }
        let addr = self.var(VarKind::Const(cell));
        self.constants.insert(cell, addr);
        addr
    }

    /// A base constant (one cell per distinct constant).
    pub fn constant(&mut self, value: Val) -> Felt {
        Felt(self.constant_cell(base_cell(value)))
    }

    /// An extension constant.
    pub fn constant_ext(&mut self, value: Challenge) -> Ext {
        let cell: Cell = value.as_basis_coefficients_slice().try_into().expect("degree-8 extension");
        Ext(self.constant_cell(cell))
    }

    /// The next base input of the prover (a value of the proof being verified).
    pub fn input(&mut self) -> Felt {
        let slot = self.inputs.len();
        self.inputs.push(true);
        Felt(self.var(VarKind::Hint { slot, base: true }))
    }

    /// Whether the program verifies opened rows with the opening table.
    pub fn uses_opening_table(&self) -> bool {
        self.opening_table
    }

    /// Makes the program verify opened rows with the opening table: fewer rows per opened
    /// value, for a wider proof (the table's columns are opened at every query).
    pub fn use_opening_table(&mut self) {
        self.opening_table = true;
    }

    /// The next base input of the prover as a value of an opened row.
    pub fn opened_input(&mut self) -> Opened {
        let slot = self.inputs.len();
        self.inputs.push(true);
        Opened(slot)
    }

    /// The sponge hash of the concatenated `rows` (as [`crate::verifier::merkle::hash_cells`]
    /// computes it for cells) and, per row, `sum_j factor^(w - 1 - j) v_j` over its `w`
    /// values (`None` for an empty row): one opening-table row per permutation.
    pub fn hash_opened(
        &mut self,
        rows: &[Vec<Opened>],
        factor: Ext,
    ) -> ([Felt; DIGEST_ELEMS], Vec<Option<Ext>>) {
        let total: usize = rows.iter().map(Vec::len).sum();
        assert!(total > 0, "a hash of opened rows absorbs at least one value");
        let num_rows = total.div_ceil(SPONGE_RATE);
        let mut instrs: Vec<OpeningInstr> = (0..num_rows)
            .map(|r| OpeningInstr {
                first: r == 0,
                values: [None; SPONGE_RATE],
                restart: [false; SPONGE_RATE],
                sums: [None; SPONGE_RATE],
                sum_mults: [0; SPONGE_RATE],
                digest: None,
                digest_mults: [0; DIGEST_ELEMS],
                factor: factor.0,
            })
            .collect();
        let mut sums = Vec::with_capacity(rows.len());
        let mut position = 0;
        for row in rows {
            if row.is_empty() {
                sums.push(None);
                continue;
            }
            for (j, value) in row.iter().enumerate() {
                let instr = &mut instrs[(position + j) / SPONGE_RATE];
                let slot = (position + j) % SPONGE_RATE;
                instr.values[slot] = Some(value.0);
                instr.restart[slot] = j == 0;
            }
            position += row.len();
            let sum = self.alloc();
            instrs[(position - 1) / SPONGE_RATE].sums[(position - 1) % SPONGE_RATE] = Some(sum);
            sums.push(Some(Ext(sum)));
        }
        let digest: [Addr; DIGEST_ELEMS] = core::array::from_fn(|_| self.alloc());
        instrs.last_mut().expect("at least one row").digest = Some(digest);
        self.instructions.extend(instrs.into_iter().map(|i| Instr::Opening(Box::new(i))));
        (digest.map(Felt), sums)
    }

    /// The next extension input of the prover.
    pub fn input_ext(&mut self) -> Ext {
        let slot = self.inputs.len();
        self.inputs.push(false);
        Ext(self.var(VarKind::Hint { slot, base: false }))
    }

    fn alu(&mut self, op: AluOp, a: Addr, b: Addr) -> Addr {
        self.alu3(op, a, b, 0)
    }

    fn alu3(&mut self, op: AluOp, a: Addr, b: Addr, c: Addr) -> Addr {
        let out = if op == AluOp::AssertEq { 0 } else { self.alloc() };
        self.instructions.push(Instr::Alu(AluInstr { op, a, b, c, out, out_mult: 0 }));
        out
    }

    /// `a * b + c` in the extension, one row.
    pub fn ext_mul_add(&mut self, a: impl Into<Ext>, b: impl Into<Ext>, c: impl Into<Ext>) -> Ext {
        Ext(self.alu3(AluOp::MulAdd, a.into().0, b.into().0, c.into().0))
    }

    /// `a * b + c` in the base field, one row.
    pub fn mul_add(&mut self, a: Felt, b: Felt, c: Felt) -> Felt {
        Felt(self.alu3(AluOp::MulAdd, a.0, b.0, c.0))
    }

    /// `a + b`.
    pub fn add(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Add, a.0, b.0))
    }

    /// `a - b`.
    pub fn sub(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Sub, a.0, b.0))
    }

    /// `a * b`.
    pub fn mul(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Mul, a.0, b.0))
    }

    /// `a + b` in the extension (either may be a base cell).
    pub fn ext_add(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Add, a.into().0, b.into().0))
    }

    /// `a - b` in the extension.
    pub fn ext_sub(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Sub, a.into().0, b.into().0))
    }

    /// `a * b` in the extension.
    pub fn ext_mul(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Mul, a.into().0, b.into().0))
    }

    /// `1 / a`, checked (`a` must not be zero).
    pub fn inverse(&mut self, a: impl Into<Ext>) -> Ext {
        let a = a.into();
        let inverse = Ext(self.var(VarKind::Inverse { of: a.0 }));
        let product = self.ext_mul(a, inverse);
        let one = self.constant(Val::ONE);
        self.assert_eq(product, one);
        inverse
    }

    /// `a` when `bit` is 0, `b` when it is 1 (`bit` must be a bit).
    pub fn select(&mut self, bit: Felt, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        let a = a.into();
        let difference = self.ext_sub(b, a);
        self.ext_mul_add(bit, difference, a)
    }

    /// `base^(sum bits[j] 2^j)` for a constant `base`, one multiplication per bit (`bits`
    /// least significant first, each a bit).
    pub fn exp_bits(&mut self, base: Val, bits: &[Felt]) -> Felt {
        let powers = core::iter::successors(Some(base), |p| Some(p.square()));
        self.select_product(bits, powers)
    }

    /// The product of `powers[j]` over the set bits `bits[j]` (each a bit), one factor
    /// `1 + bit (power - 1)` per bit.
    pub fn select_product(&mut self, bits: &[Felt], powers: impl IntoIterator<Item = Val>) -> Felt {
        let mut acc = self.constant(Val::ONE);
        for (&bit, power) in bits.iter().zip(powers) {
            let minus_one = self.constant(power - Val::ONE);
            let one = self.constant(Val::ONE);
            let factor = self.mul_add(bit, minus_one, one);
            acc = self.mul(acc, factor);
        }
        acc
    }

    /// Requires `a == b`.
    pub fn assert_eq(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) {
        self.alu(AluOp::AssertEq, a.into().0, b.into().0);
    }

    /// Requires each of `cells` to equal the constant beside it in `values`.
    pub fn assert_constants(&mut self, cells: &[Felt], values: impl IntoIterator<Item = Val>) {
        for (&cell, value) in cells.iter().zip(values) {
            let constant = self.constant(value);
            self.assert_eq(cell, constant);
        }
    }

    /// The Poseidon2 permutation of `input`.
    pub fn poseidon2(&mut self, input: [Felt; POSEIDON2_WIDTH]) -> [Felt; POSEIDON2_WIDTH] {
        self.poseidon2_call(input, None)
    }

    /// The Poseidon2 permutation of `input` with its first two digest-sized blocks swapped
    /// when the bit cell `swap` is one (it must be a bit).
    pub fn poseidon2_swapped(
        &mut self,
        input: [Felt; POSEIDON2_WIDTH],
        swap: Felt,
    ) -> [Felt; POSEIDON2_WIDTH] {
        self.poseidon2_call(input, Some(swap))
    }

    fn poseidon2_call(
        &mut self,
        input: [Felt; POSEIDON2_WIDTH],
        swap: Option<Felt>,
    ) -> [Felt; POSEIDON2_WIDTH] {
        let output = core::array::from_fn(|_| self.alloc());
        self.instructions.push(Instr::Poseidon2(Box::new(Poseidon2CallInstr {
            input: input.map(|f| f.0),
            swap: swap.map(|f| f.0),
            output,
            output_mults: [0; POSEIDON2_WIDTH],
        })));
        output.map(Felt)
    }

    /// The canonical bits of `value`, least significant first.
    pub fn bits(&mut self, value: Felt) -> [Felt; NUM_BITS] {
        let blocks = core::array::from_fn(|_| self.alloc());
        self.instructions.push(Instr::Bits(BitsInstr {
            input: value.0,
            blocks,
            block_mults: [0; NUM_BIT_BLOCKS],
        }));
        let bits: Vec<Felt> = blocks.iter().flat_map(|&block| self.unpack(Ext(block))).collect();
        core::array::from_fn(|i| bits[i])
    }

    /// Requires the canonical value of `value` to be below `2^log` (`log` at most 30): its bits
    /// from `log` up are zero. One bits row and one unpack per block of high bits.
    pub fn assert_below(&mut self, value: Felt, log: usize) {
        assert!(log < NUM_BITS, "a bound below 2^31");
        let blocks: [Addr; NUM_BIT_BLOCKS] = core::array::from_fn(|_| self.alloc());
        self.instructions.push(Instr::Bits(BitsInstr {
            input: value.0,
            blocks,
            block_mults: [0; NUM_BIT_BLOCKS],
        }));
        let zero = self.constant(Val::ZERO);
        for (k, &block) in blocks.iter().enumerate().skip(log / CELL) {
            let bits = self.unpack(Ext(block));
            for (j, &bit) in bits.iter().enumerate() {
                let position = CELL * k + j;
                if position >= log && position < NUM_BITS {
                    self.assert_eq(bit, zero);
                }
            }
        }
    }

    /// Instructions so far per table: var, arithmetic, pack, Poseidon2, bits, public.
    pub fn table_rows(&self) -> [usize; 6] {
        let rows = self.all_rows();
        core::array::from_fn(|t| rows[t])
    }

    /// [`CircuitBuilder::table_rows`] and the opening table's rows.
    fn all_rows(&self) -> [usize; 7] {
        let mut rows = [0; 7];
        count_rows(&self.instructions, &mut rows);
        rows
    }

    /// Fills the tables up to the heights `log_heights` names ([`PadHeights`]) with
    /// instructions whose results nothing reads, so that programs of different sizes share one
    /// shape (and one program verifies proofs of any of them). The opening table's height is
    /// ignored in a program without it. Fails, with the heights the program needs, when a table
    /// already has more rows.
    pub fn pad_to(&mut self, log_heights: PadHeights) -> Result<(), PadHeights> {
        let zero = self.constant(Val::ZERO);
        let zero_cell = base_cell(Val::ZERO);
        let opening_table = self.opening_table;
        // Bits rows add unpack rows, and opening rows permutations, so the tables are filled in
        // that order. Rows are counted as instructions are added: recounting the whole program
        // per padding row would make padding quadratic in the program's size.
        let mut rows = self.all_rows();
        let mut fill = |b: &mut Self, full: &dyn Fn(&[usize; 7]) -> bool, add: &mut dyn FnMut(&mut Self)| {
            while !full(&rows) {
                let before = b.instructions.len();
                add(b);
                count_rows(&b.instructions[before..], &mut rows);
            }
        };
        let reaches =
            |table: usize, height: usize| move |rows: &[usize; 7]| rows[table] >= 1 << log_heights[height];
        fill(self, &reaches(4, 4), &mut |b| {
            let blocks = core::array::from_fn(|_| b.alloc());
            b.instructions.push(Instr::Bits(BitsInstr {
                input: zero.0,
                blocks,
                block_mults: [0; NUM_BIT_BLOCKS],
            }));
        });
        if opening_table {
            let zero_ext = Ext(zero.0);
            fill(self, &reaches(6, 5), &mut |b| {
                b.idle_opening_row(zero_ext);
                b.idle_permutations += 1;
            });
        }
        fill(self, &reaches(3, 3), &mut |b| {
            b.poseidon2([zero; POSEIDON2_WIDTH]);
            b.idle_permutations += 1;
        });
        fill(self, &reaches(2, 2), &mut |b| {
            b.pack([zero; CELL]);
        });
        fill(self, &reaches(1, 1), &mut |b| {
            b.add(zero, zero);
        });
        fill(self, &reaches(0, 0), &mut |b| {
            b.var(VarKind::Const(zero_cell));
        });
        self.min_poseidon2_rows = 1 << log_heights[6];
        let needed = pad_heights(self.all_rows(), opening_table, self.idle_permutations);
        if needed.iter().zip(&log_heights).any(|(n, h)| n > h) { Err(needed) } else { Ok(()) }
    }

    /// An opening-table row that permutes the zero state and writes nothing: padding.
    fn idle_opening_row(&mut self, factor: Ext) {
        self.instructions.push(Instr::Opening(Box::new(OpeningInstr {
            first: true,
            values: [None; SPONGE_RATE],
            restart: [false; SPONGE_RATE],
            sums: [None; SPONGE_RATE],
            sum_mults: [0; SPONGE_RATE],
            digest: None,
            digest_mults: [0; DIGEST_ELEMS],
            factor: factor.0,
        })));
    }

    /// The extension element with coordinates `coords`.
    pub fn pack(&mut self, coords: [Felt; CELL]) -> Ext {
        let ext = self.alloc();
        self.instructions.push(Instr::Pack(PackInstr {
            ext,
            ext_mult: 0,
            felts: coords.map(|f| f.0),
            felt_mults: [0; CELL],
            direction: PackDirection::Pack,
        }));
        Ext(ext)
    }

    /// The coordinates of `value`.
    pub fn unpack(&mut self, value: Ext) -> [Felt; CELL] {
        let felts = core::array::from_fn(|_| self.alloc());
        self.instructions.push(Instr::Pack(PackInstr {
            ext: value.0,
            ext_mult: 0,
            felts,
            felt_mults: [0; CELL],
            direction: PackDirection::Unpack,
        }));
        felts.map(Felt)
    }

    /// Makes `value` the proof's next public value.
    pub fn expose(&mut self, value: Felt) {
        self.instructions.push(Instr::Public(PublicInstr { input: value.0 }));
    }

    /// The finished program: every written cell's read count filled in.
    pub fn build(mut self) -> Circuit {
        let mut reads = vec![0u32; self.next_addr as usize];
        let mut read = |addr: Addr| reads[addr as usize] += 1;
        for instr in &self.instructions {
            match instr {
                Instr::Var(_) => {}
                Instr::Alu(i) => {
                    read(i.a);
                    read(i.b);
                    if i.op == AluOp::MulAdd {
                        read(i.c);
                    }
                }
                Instr::Pack(i) => match i.direction {
                    PackDirection::Pack => i.felts.iter().for_each(|&a| read(a)),
                    PackDirection::Unpack => read(i.ext),
                },
                Instr::Poseidon2(i) => {
                    i.input.iter().for_each(|&a| read(a));
                    if let Some(swap) = i.swap {
                        read(swap);
                    }
                }
                Instr::Bits(i) => read(i.input),
                Instr::Public(i) => read(i.input),
                Instr::Opening(i) => read(i.factor),
            }
        }
        for instr in &mut self.instructions {
            match instr {
                Instr::Var(i) => i.out_mult = reads[i.out as usize],
                Instr::Alu(i) if i.op != AluOp::AssertEq => i.out_mult = reads[i.out as usize],
                Instr::Alu(_) => {}
                Instr::Pack(i) => match i.direction {
                    PackDirection::Pack => i.ext_mult = reads[i.ext as usize],
                    PackDirection::Unpack => i.felt_mults = i.felts.map(|a| reads[a as usize]),
                },
                Instr::Poseidon2(i) => i.output_mults = i.output.map(|a| reads[a as usize]),
                Instr::Bits(i) => i.block_mults = i.blocks.map(|a| reads[a as usize]),
                Instr::Public(_) => {}
                Instr::Opening(i) => {
                    i.sum_mults = i.sums.map(|a| a.map_or(0, |a| reads[a as usize]));
                    if let Some(digest) = i.digest {
                        i.digest_mults = digest.map(|a| reads[a as usize]);
                    }
                }
            }
        }
        Circuit::new(
            self.instructions,
            self.next_addr as usize,
            self.inputs,
            self.opening_table,
            [self.min_poseidon2_rows, self.idle_permutations],
        )
    }
}

/// Adds each instruction's row to its table's count (var, arithmetic, pack, Poseidon2, bits,
/// public, opening).
fn count_rows(instructions: &[Instr], rows: &mut [usize; 7]) {
    for instr in instructions {
        let table = match instr {
            Instr::Var(_) => 0,
            Instr::Alu(_) => 1,
            Instr::Pack(_) => 2,
            Instr::Poseidon2(_) => 3,
            Instr::Bits(_) => 4,
            Instr::Public(_) => 5,
            Instr::Opening(_) => 6,
        };
        rows[table] += 1;
    }
}
