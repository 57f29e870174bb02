//! Loading a guest ELF into a [`Program`]: validated segments, pre-decoded code, symbols and the
//! program hash.
//!
//! Loading follows the zkvm-standards ELF rules: the initial memory image comes from the `PT_LOAD`
//! program headers alone (section headers are read only for profiling symbols), segments may not
//! overlap or be writable and executable, every segment lies in accessible memory, and the entry
//! point is an aligned address inside an executable segment. Executable segments are readable as
//! data (`PF_X | PF_R`).

use elf::{ElfBytes, abi, endian::LittleEndian};
use hearth_isa::{Instruction, Opcode, decode, memory};
use sha2::{Digest, Sha256};

use crate::{decoded::Decoded, error::ElfError};

/// The most bytes of executable address range accepted (16 Mi instructions).
pub const MAX_CODE_BYTES: u64 = 64 << 20;

/// One loadable segment of the initial memory image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Virtual address of the first byte.
    pub vaddr: u64,
    /// Bytes in memory; those past `data.len()` are zero.
    pub mem_size: u64,
    /// Initial contents from the file.
    pub data: Vec<u8>,
    /// Executable (`PF_X`).
    pub executable: bool,
    /// Writable (`PF_W`).
    pub writable: bool,
}

/// A function symbol from the ELF, for profiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// First address.
    pub addr: u64,
    /// Size in bytes.
    pub size: u64,
    /// Demangled name without the hash suffix.
    pub name: String,
}

/// A 32-byte program identifier: SHA-256 over the entry point and the loadable segments.
///
/// It depends only on what the executor loads (not on section headers or symbols), so stripping an
/// ELF keeps its hash. The prover will bind proofs to a commitment derived from the same image.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgramHash(pub [u8; 32]);

impl std::fmt::Display for ProgramHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl std::fmt::Debug for ProgramHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// A loaded guest program, ready to execute any number of times.
#[derive(Clone, Debug)]
pub struct Program {
    entry: u64,
    segments: Vec<Segment>,
    symbols: Vec<Symbol>,
    hash: ProgramHash,
    /// Address of `code[0]`.
    code_base: u64,
    /// Raw instruction words of the executable range (0 where nothing executable is mapped).
    words: Vec<u32>,
    /// One pre-decoded entry per word, plus a trailing sentinel that faults.
    pub(crate) code: Vec<Decoded>,
    /// For each entry of `code`, the number of instructions up to and including the next one that
    /// may transfer control (the rest of its basic block).
    pub(crate) run_len: Vec<u32>,
}

impl Program {
    /// Parses and validates an ELF file.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, ElfError> {
        if bytes.len() < abi::EI_NIDENT || bytes[..4] != abi::ELFMAGIC {
            return Err(ElfError::Malformed("missing ELF magic".into()));
        }
        if bytes[abi::EI_CLASS] != abi::ELFCLASS64 || bytes[abi::EI_DATA] != abi::ELFDATA2LSB {
            return Err(ElfError::WrongClass);
        }
        let file =
            ElfBytes::<LittleEndian>::minimal_parse(bytes).map_err(|e| ElfError::Malformed(e.to_string()))?;
        if file.ehdr.e_machine != abi::EM_RISCV {
            return Err(ElfError::WrongMachine { machine: file.ehdr.e_machine });
        }
        if file.ehdr.e_type != abi::ET_EXEC {
            return Err(ElfError::NotExecutable { e_type: file.ehdr.e_type });
        }
        let headers = file.segments().ok_or_else(|| ElfError::Malformed("no program headers".into()))?;
        let mut segments = Vec::new();
        for ph in headers.iter().filter(|ph| ph.p_type == abi::PT_LOAD && ph.p_memsz > 0) {
            let vaddr = ph.p_vaddr;
            if !memory::is_accessible(vaddr, ph.p_memsz) {
                return Err(ElfError::SegmentOutOfRange { vaddr, mem_size: ph.p_memsz });
            }
            let end = ph.p_offset.checked_add(ph.p_filesz);
            if ph.p_filesz > ph.p_memsz || end.is_none_or(|end| end > bytes.len() as u64) {
                return Err(ElfError::SegmentInconsistent { vaddr });
            }
            let executable = ph.p_flags & abi::PF_X != 0;
            let writable = ph.p_flags & abi::PF_W != 0;
            if executable && writable {
                return Err(ElfError::WritableAndExecutable { vaddr });
            }
            if executable && !vaddr.is_multiple_of(4) {
                return Err(ElfError::MisalignedCode { vaddr });
            }
            let data = bytes[ph.p_offset as usize..(ph.p_offset + ph.p_filesz) as usize].to_vec();
            segments.push(Segment { vaddr, mem_size: ph.p_memsz, data, executable, writable });
        }
        segments.sort_by_key(|s| s.vaddr);
        for pair in segments.windows(2) {
            if pair[0].vaddr + pair[0].mem_size > pair[1].vaddr {
                return Err(ElfError::OverlappingSegments { first: pair[0].vaddr, second: pair[1].vaddr });
            }
        }
        let entry = file.ehdr.e_entry;
        let entry_ok = entry.is_multiple_of(4)
            && segments
                .iter()
                .any(|s| s.executable && (s.vaddr..s.vaddr + s.data.len() as u64).contains(&entry));
        if !entry_ok {
            return Err(ElfError::BadEntry { entry });
        }
        let symbols = read_symbols(&file);
        Self::from_segments(entry, segments, symbols)
    }

    /// Builds a program from an already validated memory image.
    fn from_segments(entry: u64, segments: Vec<Segment>, symbols: Vec<Symbol>) -> Result<Self, ElfError> {
        // Only file-backed executable bytes hold code: a zero-filled tail would be illegal anyway.
        let mut exec = segments.iter().filter(|s| s.executable && !s.data.is_empty());
        let first = exec.next().ok_or(ElfError::NoCode)?;
        let code_base = first.vaddr;
        let code_end = segments
            .iter()
            .filter(|s| s.executable)
            .map(|s| s.vaddr + s.data.len() as u64)
            .max()
            .unwrap_or(code_base);
        let size = code_end.next_multiple_of(4) - code_base;
        if size > MAX_CODE_BYTES {
            return Err(ElfError::CodeTooLarge { size, limit: MAX_CODE_BYTES });
        }
        let len = (size / 4) as usize;
        let mut words = vec![0u32; len];
        let mut mapped = vec![false; len];
        for s in segments.iter().filter(|s| s.executable) {
            let start = ((s.vaddr - code_base) / 4) as usize;
            for (i, chunk) in s.data.chunks(4).enumerate() {
                let mut word = [0u8; 4];
                word[..chunk.len()].copy_from_slice(chunk);
                words[start + i] = u32::from_le_bytes(word);
                mapped[start + i] = true;
            }
        }
        let mut code: Vec<Decoded> = (0..len)
            .map(|i| if mapped[i] { Decoded::new(words[i], i, len) } else { Decoded::OUT_OF_CODE })
            .collect();
        code.push(Decoded::OUT_OF_CODE);
        let mut run_len = vec![1u32; code.len()];
        for i in (0..code.len() - 1).rev() {
            if !code[i].ends_block() {
                run_len[i] = run_len[i + 1] + 1;
            }
        }
        let hash = hash_image(entry, &segments);
        Ok(Self { entry, segments, symbols, hash, code_base, words, code, run_len })
    }

    /// The entry point (`e_entry`).
    pub fn entry(&self) -> u64 {
        self.entry
    }

    /// The loadable segments, sorted by address.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Function symbols sorted by address (empty for a stripped ELF).
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// The program hash.
    pub fn hash(&self) -> ProgramHash {
        self.hash
    }

    /// Number of instruction slots in the executable range.
    pub fn code_len(&self) -> usize {
        self.words.len()
    }

    /// Address of the first instruction slot.
    pub fn code_base(&self) -> u64 {
        self.code_base
    }

    /// The instruction at `pc`, if `pc` is an aligned address holding a valid instruction.
    pub fn instruction_at(&self, pc: u64) -> Option<Instruction> {
        let index = self.index_of(pc)?;
        decode(self.words[index]).ok()
    }

    /// The code index of `pc`, if it is an aligned address inside the executable range.
    pub(crate) fn index_of(&self, pc: u64) -> Option<usize> {
        let offset = pc.checked_sub(self.code_base)?;
        let index = (offset / 4) as usize;
        (offset.is_multiple_of(4) && index < self.words.len()).then_some(index)
    }

    /// The address of code index `index`.
    #[inline]
    pub(crate) fn pc_of(&self, index: usize) -> u64 {
        self.code_base + 4 * index as u64
    }

    /// The raw word at code index `index`.
    pub(crate) fn word(&self, index: usize) -> u32 {
        self.words.get(index).copied().unwrap_or(0)
    }

    /// The full decoded instruction at code index `index` (for the slow path and tracing).
    pub(crate) fn decoded_instruction(&self, index: usize) -> Option<Instruction> {
        decode(self.word(index)).ok()
    }

    /// The symbol containing `addr`, if any.
    pub fn symbol_at(&self, addr: u64) -> Option<&Symbol> {
        let i = self.symbols.partition_point(|s| s.addr <= addr);
        let s = self.symbols.get(i.checked_sub(1)?)?;
        (addr < s.addr + s.size.max(1)).then_some(s)
    }
}

fn hash_image(entry: u64, segments: &[Segment]) -> ProgramHash {
    let mut h = Sha256::new();
    h.update(b"hearth-program-image-v1");
    h.update(entry.to_le_bytes());
    h.update((segments.len() as u64).to_le_bytes());
    for s in segments {
        let flags = u8::from(s.executable) | (u8::from(s.writable) << 1);
        h.update(s.vaddr.to_le_bytes());
        h.update(s.mem_size.to_le_bytes());
        h.update([flags]);
        h.update((s.data.len() as u64).to_le_bytes());
        h.update(&s.data);
    }
    ProgramHash(h.finalize().into())
}

fn read_symbols(file: &ElfBytes<'_, LittleEndian>) -> Vec<Symbol> {
    let Ok(Some((table, strings))) = file.symbol_table() else {
        return Vec::new();
    };
    let mut symbols: Vec<Symbol> = table
        .iter()
        .filter(|s| s.st_symtype() == abi::STT_FUNC && s.st_value != 0)
        .filter_map(|s| {
            let raw = strings.get(s.st_name as usize).ok()?;
            let name = format!("{:#}", rustc_demangle::demangle(raw));
            Some(Symbol { addr: s.st_value, size: s.st_size, name })
        })
        .collect();
    symbols.sort_by(|a, b| a.addr.cmp(&b.addr).then(b.size.cmp(&a.size)));
    symbols.dedup_by_key(|s| s.addr);
    symbols
}

/// Whether an opcode transfers control to a statically known target.
pub(crate) fn has_static_target(opcode: Opcode) -> bool {
    opcode == Opcode::Jal || opcode.is_branch()
}
