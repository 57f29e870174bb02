//! Cycle profiles: where a guest spends its instructions, by ELF function symbol.

use serde::Serialize;

use crate::{program::Program, tracer::Tracer};

/// Counts instructions per code index.
pub(crate) struct Profiler {
    pub counts: Vec<u64>,
}

impl Tracer for Profiler {
    #[inline(always)]
    fn start(&mut self, _clk: u64, index: usize) {
        if let Some(count) = self.counts.get_mut(index) {
            *count += 1;
        }
    }
}

/// Cycles spent in one function (its own instructions, not its callees').
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionCycles {
    /// Demangled name, or `<unknown>` for code outside every symbol.
    pub name: String,
    /// Instructions executed inside the function's address range.
    pub cycles: u64,
}

/// A flat profile, sorted by cycles, most first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Every function that executed at least one instruction.
    pub functions: Vec<FunctionCycles>,
    /// Total instructions executed.
    pub total_cycles: u64,
}

impl Profile {
    pub(crate) fn from_counts(program: &Program, counts: &[u64]) -> Self {
        let mut by_name: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        let mut total = 0;
        for (index, &count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let pc = program.code_base() + 4 * index as u64;
            let name = program.symbol_at(pc).map_or("<unknown>", |s| s.name.as_str());
            *by_name.entry(name).or_default() += count;
            total += count;
        }
        let mut functions: Vec<FunctionCycles> = by_name
            .into_iter()
            .map(|(name, cycles)| FunctionCycles { name: name.to_owned(), cycles })
            .collect();
        functions.sort_by(|a, b| b.cycles.cmp(&a.cycles).then_with(|| a.name.cmp(&b.name)));
        Self { functions, total_cycles: total }
    }
}
